import NN
import Tensor
import XCTest

final class LayerForwardTests: XCTestCase {
    /// The gemm convolution against a direct six-loop convolution.
    func testConvolutionMatchesDirectLoops() {
        var generator = SeededGenerator(seed: 31)
        for (kernel, stride, padding) in [(3, 1, 1), (3, 2, 1), (1, 1, 0), (1, 2, 0), (7, 2, 3), (2, 3, 0)] {
            let conv = Conv2d(inputChannels: 3, outputChannels: 4, kernel: kernel, stride: stride, padding: padding, generator: &generator)
            let input = Tensor.normal([2, 3, 9, 8], generator: &generator)
            let output = conv.forward(input, mode: .inference)
            let oh = (9 + 2 * padding - kernel) / stride + 1, ow = (8 + 2 * padding - kernel) / stride + 1
            XCTAssertEqual(output.shape, [2, 4, oh, ow])
            for n in 0..<2 { for o in 0..<4 { for y in 0..<oh { for x in 0..<ow {
                var expected = Double(conv.bias!.value[o])
                for c in 0..<3 { for ky in 0..<kernel { for kx in 0..<kernel {
                    let iy = y * stride - padding + ky, ix = x * stride - padding + kx
                    guard iy >= 0, iy < 9, ix >= 0, ix < 8 else { continue }
                    expected += Double(conv.weight.value[o, c, ky, kx]) * Double(input[n, c, iy, ix])
                } } }
                XCTAssertEqual(Double(output[n, o, y, x]), expected, accuracy: 1e-5)
            } } } }
        }
    }

    /// Running statistics follow PyTorch: momentum 0.1, unbiased variance for running_var.
    func testBatchNormRunningStatistics() {
        let bn = BatchNorm2d(channels: 1)
        let input = Tensor(shape: [2, 1, 1, 2], storage: [1, 2, 3, 6])
        let output = bn.forward(input, mode: .training)
        // mean 3, biased variance 3.5, unbiased 14/3.
        XCTAssertEqual(bn.runningMean.value.storage[0], 0.3, accuracy: 1e-6)
        XCTAssertEqual(bn.runningVariance.value.storage[0], 0.9 + 0.1 * 14 / 3, accuracy: 1e-6)
        XCTAssertEqual(output.storage[3], 3 / (3.5 + 1e-5).squareRoot(), accuracy: 1e-5)
        let inference = bn.forward(input, mode: .inference)
        XCTAssertEqual(inference.storage[0], (1 - 0.3) / (bn.runningVariance.value.storage[0] + 1e-5).squareRoot(), accuracy: 1e-5)
    }

    func testMaxPoolPadsWithNegativeInfinity() {
        let input = Tensor(shape: [1, 1, 2, 2], storage: [-4, -3, -2, -1])
        let output = MaxPool2d(kernel: 3, stride: 2, padding: 1).forward(input, mode: .inference)
        XCTAssertEqual(output.storage, [-1], "zero padding would have produced 0")
        let wide = MaxPool2d(kernel: 2).forward(Tensor(shape: [1, 1, 2, 4], storage: [1, 5, 2, 0, 3, 4, 7, 6]), mode: .inference)
        XCTAssertEqual(wide.storage, [5, 7])
    }

    func testSoftmaxSumsToOneAlongItsAxisAndSurvivesLargeLogits() {
        let input = Tensor(shape: [2, 3], storage: [1000, 1001, 1002, -5, 0, 5])
        let rows = Softmax(axis: 1).forward(input, mode: .inference)
        XCTAssertEqual(rows.storage[2], 0.66524096, accuracy: 1e-6)
        XCTAssertEqual(rows.storage[0] + rows.storage[1] + rows.storage[2], 1, accuracy: 1e-6)
        let columns = Softmax(axis: 0).forward(input, mode: .inference)
        XCTAssertEqual(columns.storage[0] + columns.storage[3], 1, accuracy: 1e-6)
        XCTAssertEqual(columns.storage[0], 1, accuracy: 1e-6)
    }

    func testInitialisersMatchPyTorchBounds() {
        var generator = SeededGenerator(seed: 41)
        let conv = Conv2d(inputChannels: 16, outputChannels: 64, kernel: 3, generator: &generator)
        let bound: Float = 1 / (16 * 9 as Float).squareRoot()
        XCTAssertLessThanOrEqual(conv.weight.value.storage.map(abs).max()!, bound)
        XCTAssertGreaterThan(conv.weight.value.storage.map(abs).max()!, 0.95 * bound)
        let variance = conv.weight.value.storage.map { $0 * $0 }.reduce(0, +) / Float(conv.weight.value.count)
        XCTAssertEqual(variance, bound * bound / 3, accuracy: 0.1 * bound * bound / 3)
        let normal = Initializers.kaimingNormalFanOut([64, 16, 3, 3], generator: &generator)
        let normalVariance = normal.storage.map { $0 * $0 }.reduce(0, +) / Float(normal.count)
        XCTAssertEqual(normalVariance, 2 / (64 * 9), accuracy: 0.1 * 2 / (64 * 9))
    }

    func testStateDictionaryNamesAndLoadErrors() throws {
        var generator = SeededGenerator(seed: 51)
        let model = Sequential([Conv2d(inputChannels: 1, outputChannels: 2, kernel: 3, bias: false, generator: &generator), BatchNorm2d(channels: 2)])
        var state = model.stateDictionary()
        XCTAssertEqual(state.keys.sorted(), ["0.weight", "1.bias", "1.running_mean", "1.running_var", "1.weight"])
        state["1.num_batches_tracked"] = Tensor(shape: [], storage: [3])
        state["1.running_mean"] = Tensor(shape: [2], storage: [5, 6])
        try model.load(state)
        XCTAssertEqual(model.stateDictionary()["1.running_mean"]?.storage, [5, 6])
        state["0.weight"] = Tensor(shape: [2, 1, 1, 1])
        state["extra"] = Tensor(shape: [1])
        state["1.bias"] = nil
        XCTAssertThrowsError(try model.load(state)) { error in
            let error = error as! ParameterLoadError
            XCTAssertEqual(error.missingKeys, ["1.bias"])
            XCTAssertEqual(error.unexpectedKeys, ["extra"])
            XCTAssertEqual(error.shapeMismatches, [.init(key: "0.weight", expected: [2, 1, 3, 3], found: [2, 1, 1, 1])])
            XCTAssertTrue(error.description.contains("missing keys: 1.bias"))
        }
    }
}
