import Foundation
import NN
import Tensor
import XCTest

/// Training layers on tensors large enough to be split across threads (`OpenMPLoop`), against
/// plain loops in double precision: a wrong chunk offset, a channel summed twice or left out, or
/// an output left unwritten (outputs are not zero-filled) shows up here and not in the small
/// finite-difference checks, which run on one thread.
final class ThreadSplitLayerTests: XCTestCase {
    /// Batch norm in training mode: forward, running statistics and backward, on an odd channel
    /// count over 30×30 planes and on 1×1 planes (layer4 of the MNIST ResNet: channels strided
    /// by one element).
    func testBatchNormAgainstPlainLoops() {
        var generator = SeededGenerator(seed: 31)
        for shape in [[3, 37, 30, 30], [300, 260, 1, 1]] {
            let channels = shape[1], batch = shape[0], plane = shape[2] * shape[3]
            XCTAssertGreaterThanOrEqual(shape.reduce(1, *), Tensor.elementsPerThread)
            let bn = BatchNorm2d(channels: channels)
            bn.weight.value = Tensor.uniform([channels], in: 0.5, 1.5, generator: &generator)
            bn.bias.value = Tensor.uniform([channels], in: -1, 1, generator: &generator)
            let input = Tensor.normal(shape, mean: 2, standardDeviation: 3, generator: &generator)
            let dy = Tensor.normal(shape, generator: &generator)
            let output = bn.forward(input, mode: .training)
            let dx = bn.backward(dy)
            let m = Double(batch * plane)
            var outputError = 0.0, gradientError = 0.0
            func index(_ n: Int, _ c: Int, _ i: Int) -> Int { (n * channels + c) * plane + i }
            for c in 0..<channels {
                var sum = 0.0
                for n in 0..<batch { for i in 0..<plane { sum += Double(input.storage[index(n, c, i)]) } }
                let mean = sum / m
                var squares = 0.0
                for n in 0..<batch { for i in 0..<plane { squares += pow(Double(input.storage[index(n, c, i)]) - mean, 2) } }
                let inv = 1 / (squares / m + 1e-5).squareRoot()
                let gamma = Double(bn.weight.value.storage[c]), beta = Double(bn.bias.value.storage[c])
                var dGamma = 0.0, dBeta = 0.0
                for n in 0..<batch {
                    for i in 0..<plane {
                        let k = index(n, c, i)
                        dGamma += Double(dy.storage[k]) * (Double(input.storage[k]) - mean) * inv
                        dBeta += Double(dy.storage[k])
                    }
                }
                XCTAssertEqual(Double(bn.runningMean.value.storage[c]), 0.1 * mean, accuracy: 1e-5)
                XCTAssertEqual(Double(bn.runningVariance.value.storage[c]), 0.9 + 0.1 * squares / (m - 1), accuracy: 1e-4)
                XCTAssertEqual(Double(bn.weight.gradient.storage[c]), dGamma, accuracy: 1e-3 * max(1, abs(dGamma)))
                XCTAssertEqual(Double(bn.bias.gradient.storage[c]), dBeta, accuracy: 1e-3 * max(1, abs(dBeta)))
                for n in 0..<batch {
                    for i in 0..<plane {
                        let k = index(n, c, i)
                        let normalised = (Double(input.storage[k]) - mean) * inv
                        outputError = max(outputError, abs(Double(output.storage[k]) - (gamma * normalised + beta)))
                        let expected = gamma * inv / m * (m * Double(dy.storage[k]) - dBeta - normalised * dGamma)
                        gradientError = max(gradientError, abs(Double(dx.storage[k]) - expected))
                    }
                }
            }
            XCTAssertLessThan(outputError, 1e-4, "output of \(shape)")
            XCTAssertLessThan(gradientError, 1e-4, "input gradient of \(shape)")
        }
    }

    /// Max pooling 3×3 stride 2 padding 1 (the ResNet stem's) over 80 planes with a NaN planted:
    /// forward against a window scan, backward against routing each gradient to the scan's winner.
    func testMaxPoolAgainstPlainLoops() {
        var generator = SeededGenerator(seed: 32)
        var input = Tensor.normal([2, 40, 29, 30], generator: &generator)
        input.storage[5 * 29 * 30 + 31] = .nan
        let pool = MaxPool2d(kernel: 3, stride: 2, padding: 1)
        let output = pool.forward(input, mode: .training)
        XCTAssertEqual(output.shape, [2, 40, 15, 15])
        let dy = Tensor.normal(output.shape, generator: &generator)
        let dx = pool.backward(dy)
        var expectedDx = [Double](repeating: 0, count: input.count)
        for p in 0..<80 {
            for oy in 0..<15 {
                for ox in 0..<15 {
                    var best = -1, value = -Float.infinity
                    for iy in max(0, 2 * oy - 1)...min(28, 2 * oy + 1) {
                        for ix in max(0, 2 * ox - 1)...min(29, 2 * ox + 1) {
                            let candidate = input.storage[p * 870 + iy * 30 + ix]
                            if best < 0 || candidate > value || candidate.isNaN { best = p * 870 + iy * 30 + ix; value = candidate }
                        }
                    }
                    let o = (p * 15 + oy) * 15 + ox
                    if value.isNaN {
                        XCTAssertTrue(output.storage[o].isNaN, "NaN must win its window")
                    } else {
                        XCTAssertEqual(output.storage[o], value, "y[\(o)]")
                    }
                    expectedDx[best] += Double(dy.storage[o])
                }
            }
        }
        let worst = (0..<input.count).map { abs(Double(dx.storage[$0]) - expectedDx[$0]) }.max()!
        XCTAssertLessThan(worst, 1e-5)
    }

    /// ReLU and in-place add/fill over a count that is not a multiple of the 16 lanes.
    func testElementwisePassesAgainstPlainLoops() {
        var generator = SeededGenerator(seed: 33)
        let count = 3 * Tensor.elementsPerThread + 13
        let x = Tensor.normal([count], generator: &generator), dy = Tensor.normal([count], generator: &generator)
        let relu = ReLU()
        let y = relu.forward(x, mode: .training), dx = relu.backward(dy)
        XCTAssertEqual(y.storage, x.storage.map { max(0, $0) })
        XCTAssertEqual(dx.storage, (0..<count).map { x.storage[$0] > 0 ? dy.storage[$0] : 0 })
        var sum = x
        sum.add(dy, scale: 0.5)
        XCTAssertEqual(sum.storage, (0..<count).map { x.storage[$0] + 0.5 * dy.storage[$0] })
        sum.fill(-2)
        XCTAssertTrue(sum.storage.allSatisfy { $0 == -2 })
    }


    /// SGD with momentum, dampening and weight decay on a parameter split across threads, three
    /// steps (the first fills the momentum buffer, the others take the sixteen-lane path and its
    /// scalar tail), against torch.optim.SGD's formulas in the same operation order.
    func testSGDMomentumAgainstPlainLoop() {
        var generator = SeededGenerator(seed: 34)
        let count = 2 * Tensor.elementsPerThread + 21
        let parameter = Parameter(Tensor.normal([count], generator: &generator))
        let optimizer = SGD(parameters: [parameter], learningRate: 0.05, momentum: 0.9, dampening: 0.1, weightDecay: 0.01)
        var value = parameter.value.storage, buffer = [Float](repeating: 0, count: count)
        for step in 0..<3 {
            parameter.gradient = Tensor.normal([count], generator: &generator)
            for i in 0..<count {
                let g = parameter.gradient.storage[i] + 0.01 * value[i]
                buffer[i] = step == 0 ? g : 0.9 * buffer[i] + (1 - 0.1) * g
                value[i] -= 0.05 * buffer[i]
            }
            optimizer.step()
            XCTAssertEqual(parameter.value.storage, value, "step \(step)")
        }
    }

    /// Every index is visited exactly once, by more or fewer chunks than threads, and from inside
    /// another parallel region (a team of one runs all chunks).
    func testOpenMPLoopCoversEveryIndexOnce() {
        for (count, workers) in [(0, 2), (1, 2), (7, 3), (1000, 2), (1001, 5)] {
            var visits = [Int32](repeating: 0, count: count)
            visits.withUnsafeMutableBufferPointer { visits in
                let visits = visits.baseAddress
                OpenMPLoop.run(count, workers: workers) { range in
                    for i in range { visits![i] += 1 }
                }
            }
            XCTAssertEqual(visits, [Int32](repeating: 1, count: count), "count \(count), workers \(workers)")
        }
        var nested = [Int32](repeating: 0, count: 4 * 100)
        nested.withUnsafeMutableBufferPointer { nested in
            let nested = nested.baseAddress!
            OpenMPLoop.run(4, workers: 2) { outer in
                for row in outer {
                    OpenMPLoop.run(100, workers: 3) { inner in
                        for i in inner { nested[row * 100 + i] += 1 }
                    }
                }
            }
        }
        XCTAssertEqual(nested, [Int32](repeating: 1, count: 400))
    }
}
