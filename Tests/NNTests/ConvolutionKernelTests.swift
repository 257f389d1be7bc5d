import NN
import Tensor
import XCTest

/// `Conv2d`'s oneDNN forward, backward-data and backward-weights against direct float64 loops on
/// shapes that stress the blocked kernels: channels not multiples of the vector width, 7×7 stride
/// 2, 3×3 stride 1 and 2 with padding, 1×1 stride 1 and 2, maps smaller than the kernel (taps
/// that only read padding), non-square maps, batches 1 to 5. `ISAPathTests` re-runs this suite on
/// every instruction set the CPU supports.
final class ConvolutionKernelTests: XCTestCase {
    private struct Case {
        let batch, inputChannels, outputChannels, kernel, stride, padding, height, width: Int
        let bias: Bool
    }

    private let cases: [Case] = [
        Case(batch: 1, inputChannels: 3, outputChannels: 17, kernel: 7, stride: 2, padding: 3, height: 13, width: 11, bias: false),
        Case(batch: 3, inputChannels: 17, outputChannels: 33, kernel: 3, stride: 1, padding: 1, height: 9, width: 9, bias: true),
        Case(batch: 5, inputChannels: 20, outputChannels: 24, kernel: 3, stride: 2, padding: 1, height: 7, width: 7, bias: false),
        Case(batch: 2, inputChannels: 33, outputChannels: 16, kernel: 1, stride: 1, padding: 0, height: 5, width: 6, bias: true),
        Case(batch: 3, inputChannels: 24, outputChannels: 40, kernel: 1, stride: 2, padding: 0, height: 7, width: 7, bias: false),
        Case(batch: 4, inputChannels: 19, outputChannels: 21, kernel: 3, stride: 1, padding: 1, height: 1, width: 1, bias: true),
        Case(batch: 3, inputChannels: 18, outputChannels: 20, kernel: 3, stride: 2, padding: 1, height: 2, width: 2, bias: false),
        Case(batch: 2, inputChannels: 5, outputChannels: 7, kernel: 3, stride: 2, padding: 1, height: 2, width: 3, bias: true),
        Case(batch: 1, inputChannels: 1, outputChannels: 64, kernel: 7, stride: 2, padding: 3, height: 28, width: 28, bias: false),
    ]

    func testForwardAndBothBackwardPassesMatchDirectLoops() {
        for (index, c) in cases.enumerated() {
            var generator = SeededGenerator(seed: UInt64(10 + index))
            let conv = Conv2d(inputChannels: c.inputChannels, outputChannels: c.outputChannels, kernel: c.kernel, stride: c.stride,
                              padding: c.padding, bias: c.bias, generator: &generator)
            let input = Tensor.normal([c.batch, c.inputChannels, c.height, c.width], generator: &generator)
            let output = conv.forward(input, mode: .training)
            let reference = Reference(conv: conv, input: input)
            XCTAssertEqual(output.shape, reference.output.shape, "case \(index)")
            assertClose(output.storage, reference.output.storage, "case \(index) output")
            let outputGradient = Tensor.normal(output.shape, generator: &generator)
            conv.zeroGradients()
            let inputGradient = conv.backward(outputGradient)
            let expected = reference.gradients(outputGradient)
            assertClose(inputGradient.storage, expected.input, "case \(index) input gradient")
            assertClose(conv.weight.gradient.storage, expected.weight, "case \(index) weight gradient")
            if let bias = conv.bias { assertClose(bias.gradient.storage, expected.bias, "case \(index) bias gradient") }
        }
    }

    func testGradientsAccumulateAcrossBackwardCalls() {
        var generator = SeededGenerator(seed: 3)
        let conv = Conv2d(inputChannels: 17, outputChannels: 19, kernel: 3, stride: 1, padding: 1, generator: &generator)
        let input = Tensor.normal([2, 17, 5, 5], generator: &generator)
        let outputGradient = Tensor.normal([2, 19, 5, 5], generator: &generator)
        conv.zeroGradients()
        _ = conv.forward(input, mode: .training)
        _ = conv.backward(outputGradient)
        let once = conv.weight.gradient.storage, onceBias = conv.bias!.gradient.storage
        _ = conv.forward(input, mode: .training)
        _ = conv.backward(outputGradient)
        assertClose(conv.weight.gradient.storage, once.map { 2 * $0 }, "weight gradient after two backward calls")
        assertClose(conv.bias!.gradient.storage, onceBias.map { 2 * $0 }, "bias gradient after two backward calls")
    }

    func testParameterOnlyBackwardMatchesFullBackward() {
        var generator = SeededGenerator(seed: 4)
        let conv = Conv2d(inputChannels: 1, outputChannels: 18, kernel: 7, stride: 2, padding: 3, bias: false, generator: &generator)
        let input = Tensor.normal([3, 1, 12, 12], generator: &generator)
        let outputGradient = Tensor.normal([3, 18, 6, 6], generator: &generator)
        conv.zeroGradients()
        _ = conv.forward(input, mode: .training)
        _ = conv.backward(outputGradient)
        let full = conv.weight.gradient.storage
        conv.zeroGradients()
        _ = conv.forward(input, mode: .training)
        conv.backwardParameters(outputGradient)
        assertClose(conv.weight.gradient.storage, full, "parameter-only backward")
    }

    /// Kernels are built once per geometry: new weights and alternating batch sizes must still be
    /// seen by every call (no stale packed weights, no plan mixed up with another geometry).
    func testUpdatedWeightsAndChangingBatchSizes() {
        var generator = SeededGenerator(seed: 5)
        let conv = Conv2d(inputChannels: 18, outputChannels: 17, kernel: 3, stride: 2, padding: 1, generator: &generator)
        for (step, batch) in [3, 1, 3, 2, 5, 6, 1].enumerated() {
            conv.weight.value.storage[step] += 0.5
            let input = Tensor.normal([batch, 18, 6, 6], generator: &generator)
            let output = conv.forward(input, mode: step.isMultiple(of: 2) ? .training : .inference)
            assertClose(output.storage, Reference(conv: conv, input: input).output.storage, "step \(step), batch \(batch)")
        }
    }

    func testEmptyBatch() {
        var generator = SeededGenerator(seed: 6)
        let conv = Conv2d(inputChannels: 3, outputChannels: 5, kernel: 3, stride: 1, padding: 1, generator: &generator)
        let output = conv.forward(Tensor(shape: [0, 3, 4, 4]), mode: .training)
        XCTAssertEqual(output.shape, [0, 5, 4, 4])
        conv.zeroGradients()
        XCTAssertEqual(conv.backward(Tensor(shape: [0, 5, 4, 4])).shape, [0, 3, 4, 4])
        XCTAssertEqual(conv.weight.gradient.storage.max(), 0)
    }

    func testLiveWindowOfMapsSmallerThanTheKernel() {
        func window(height: Int, width: Int, kernel: Int, stride: Int, padding: Int) -> LiveKernelWindow {
            LiveKernelWindow(ConvolutionGeometry(batch: 1, channels: 1, height: height, width: width, kernel: kernel,
                                                 stride: stride, padding: padding))
        }
        let centre = window(height: 1, width: 1, kernel: 3, stride: 1, padding: 1)
        XCTAssertEqual([centre.height, centre.width, centre.firstRow, centre.firstColumn], [1, 1, 1, 1])
        XCTAssertEqual([centre.top, centre.left, centre.bottom, centre.right], [0, 0, 0, 0])
        let corner = window(height: 2, width: 2, kernel: 3, stride: 2, padding: 1)
        XCTAssertEqual([corner.height, corner.width, corner.firstRow, corner.firstColumn], [2, 2, 1, 1])
        XCTAssertEqual([corner.top, corner.left, corner.bottom, corner.right], [0, 0, 0, 0])
        let whole = window(height: 28, width: 28, kernel: 7, stride: 2, padding: 3)
        XCTAssertEqual([whole.height, whole.width, whole.firstRow, whole.top, whole.bottom], [7, 7, 0, 3, 3])
        let wide = window(height: 1, width: 5, kernel: 3, stride: 1, padding: 1)
        XCTAssertEqual([wide.height, wide.width, wide.firstRow, wide.firstColumn, wide.left, wide.right], [1, 3, 1, 0, 1, 1])
    }

    private func assertClose(_ actual: [Float], _ expected: [Float], _ what: String, file: StaticString = #filePath, line: UInt = #line) {
        XCTAssertEqual(actual.count, expected.count, what, file: file, line: line)
        let scale = max(1, expected.map { abs($0) }.max() ?? 0)
        let worst = zip(actual, expected).map { abs($0 - $1) }.max() ?? 0
        XCTAssertLessThanOrEqual(worst, 1e-4 * scale, "\(what): largest difference \(worst) at scale \(scale)", file: file, line: line)
    }
}

/// Direct float64 loops for a convolution and its gradients.
private struct Reference {
    let conv: Conv2d
    let input: Tensor
    let output: Tensor

    init(conv: Conv2d, input: Tensor) {
        self.conv = conv
        self.input = input
        let g = conv.geometry(for: input.shape)
        var output = Tensor(shape: [g.batch, conv.outputChannels, g.outputHeight, g.outputWidth])
        var sums = [Double](repeating: 0, count: output.count)
        Self.visit(conv: conv, shape: input.shape) { n, o, oy, ox, c, iy, ix, ky, kx in
            let target = ((n * conv.outputChannels + o) * g.outputHeight + oy) * g.outputWidth + ox
            sums[target] += Double(input[n, c, iy, ix]) * Double(conv.weight.value[o, c, ky, kx])
        }
        for index in sums.indices {
            let o = (index / (g.outputHeight * g.outputWidth)) % conv.outputChannels
            output.storage[index] = Float(sums[index] + Double(conv.bias?.value.storage[o] ?? 0))
        }
        self.output = output
    }

    func gradients(_ outputGradient: Tensor) -> (input: [Float], weight: [Float], bias: [Float]) {
        let g = conv.geometry(for: input.shape)
        var dx = [Double](repeating: 0, count: input.count), dw = [Double](repeating: 0, count: conv.weight.value.count)
        var db = [Double](repeating: 0, count: conv.outputChannels)
        let kk = conv.kernel * conv.kernel
        Self.visit(conv: conv, shape: input.shape) { n, o, oy, ox, c, iy, ix, ky, kx in
            let dy = Double(outputGradient[n, o, oy, ox])
            dx[((n * g.channels + c) * g.height + iy) * g.width + ix] += dy * Double(conv.weight.value[o, c, ky, kx])
            dw[(o * g.channels + c) * kk + ky * conv.kernel + kx] += dy * Double(input[n, c, iy, ix])
        }
        for n in 0..<g.batch {
            for o in 0..<conv.outputChannels {
                for oy in 0..<g.outputHeight { for ox in 0..<g.outputWidth { db[o] += Double(outputGradient[n, o, oy, ox]) } }
            }
        }
        return (dx.map(Float.init), dw.map(Float.init), db.map(Float.init))
    }

    /// Calls `body` for every (output position, input channel, in-bounds tap).
    private static func visit(conv: Conv2d, shape: [Int], _ body: (Int, Int, Int, Int, Int, Int, Int, Int, Int) -> Void) {
        let g = conv.geometry(for: shape)
        for n in 0..<g.batch {
            for o in 0..<conv.outputChannels {
                for oy in 0..<g.outputHeight {
                    for ox in 0..<g.outputWidth {
                        for c in 0..<g.channels {
                            for ky in 0..<g.kernel {
                                let iy = oy * g.stride - g.padding + ky
                                guard iy >= 0 && iy < g.height else { continue }
                                for kx in 0..<g.kernel {
                                    let ix = ox * g.stride - g.padding + kx
                                    guard ix >= 0 && ix < g.width else { continue }
                                    body(n, o, oy, ox, c, iy, ix, ky, kx)
                                }
                            }
                        }
                    }
                }
            }
        }
    }
}
