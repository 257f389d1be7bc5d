import NN
import Tensor
import XCTest

final class LayerGradientTests: XCTestCase {
    func testConvolutionWithStrideAndPadding() {
        var generator = SeededGenerator(seed: 1)
        let conv = Conv2d(inputChannels: 2, outputChannels: 3, kernel: 3, stride: 2, padding: 1, generator: &generator)
        GradientCheck.verify(conv, input: Tensor.normal([2, 2, 5, 5], generator: &generator))
    }

    /// A 7×7 stride-2 stem-like kernel (channels that fit no vector width, odd batch) and a 3×3
    /// stride-1 kernel without bias at batch 1 on a non-square map.
    func testConvolutionsOnAwkwardShapes() {
        var generator = SeededGenerator(seed: 21)
        let stem = Conv2d(inputChannels: 3, outputChannels: 5, kernel: 7, stride: 2, padding: 3, generator: &generator)
        GradientCheck.verify(stem, input: Tensor.normal([3, 3, 7, 7], generator: &generator))
        let single = Conv2d(inputChannels: 5, outputChannels: 3, kernel: 3, padding: 1, bias: false, generator: &generator)
        GradientCheck.verify(single, input: Tensor.normal([1, 5, 5, 6], generator: &generator))
    }

    func testPointwiseConvolutionWithoutBias() {
        var generator = SeededGenerator(seed: 2)
        let conv = Conv2d(inputChannels: 3, outputChannels: 2, kernel: 1, bias: false, generator: &generator)
        GradientCheck.verify(conv, input: Tensor.normal([2, 3, 3, 2], generator: &generator))
    }

    func testStridedPointwiseConvolution() {
        var generator = SeededGenerator(seed: 3)
        let conv = Conv2d(inputChannels: 2, outputChannels: 2, kernel: 1, stride: 2, generator: &generator)
        GradientCheck.verify(conv, input: Tensor.normal([1, 2, 5, 4], generator: &generator))
    }

    /// 3×3 kernels over 1×1 and 2×2 maps: taps that only read padding are dropped from the gemm.
    func testConvolutionWithPaddingOnlyTaps() {
        var generator = SeededGenerator(seed: 15)
        let centre = Conv2d(inputChannels: 2, outputChannels: 3, kernel: 3, padding: 1, generator: &generator)
        GradientCheck.verify(centre, input: Tensor.normal([2, 2, 1, 1], generator: &generator))
        XCTAssertEqual(centre.weight.gradient[0, 0, 0, 0], 0, "a tap that only saw padding gets no gradient")
        let strided = Conv2d(inputChannels: 2, outputChannels: 2, kernel: 3, stride: 2, padding: 1, generator: &generator)
        GradientCheck.verify(strided, input: Tensor.normal([2, 2, 2, 2], generator: &generator))
    }

    func testBatchNormInTrainingMode() {
        var generator = SeededGenerator(seed: 4)
        let bn = BatchNorm2d(channels: 3)
        bn.weight.value = Tensor.uniform([3], in: 0.5, 1.5, generator: &generator)
        bn.bias.value = Tensor.normal([3], generator: &generator)
        GradientCheck.verify(bn, input: Tensor.normal([2, 3, 2, 3], generator: &generator))
    }

    func testLinear() {
        var generator = SeededGenerator(seed: 5)
        let linear = Linear(inputFeatures: 4, outputFeatures: 3, generator: &generator)
        GradientCheck.verify(linear, input: Tensor.normal([3, 4], generator: &generator))
    }

    func testActivations() {
        let input = GradientCheck.awayFromZero([2, 3, 2, 2], seed: 6)
        GradientCheck.verify(ReLU(), input: input)
        GradientCheck.verify(LeakyReLU(slope: 0.2), input: input)
        GradientCheck.verify(Sigmoid(), input: input)
        GradientCheck.verify(Tanh(), input: input)
    }

    func testSoftmaxOnEveryAxis() {
        var generator = SeededGenerator(seed: 8)
        let input = Tensor.normal([2, 3, 4], generator: &generator)
        for axis in [0, 1, 2, -1] { GradientCheck.verify(Softmax(axis: axis), input: input) }
    }

    func testMaxPoolWithPadding() {
        // Distinct values spaced 0.05 apart keep every window's winner stable under ±h.
        var generator = SeededGenerator(seed: 9)
        var values = (0..<50).map { Float($0) * 0.05 }
        values.shuffle(using: &generator)
        GradientCheck.verify(MaxPool2d(kernel: 3, stride: 2, padding: 1), input: Tensor(shape: [1, 2, 5, 5], storage: values))
    }

    func testPoolingFlattenSequential() {
        var generator = SeededGenerator(seed: 10)
        let model = Sequential([
            Conv2d(inputChannels: 1, outputChannels: 2, kernel: 3, padding: 1, generator: &generator),
            Tanh(), AdaptiveAvgPool2d(), Flatten(),
            Linear(inputFeatures: 2, outputFeatures: 3, generator: &generator),
        ])
        GradientCheck.verify(model, input: Tensor.normal([2, 1, 4, 4], generator: &generator))
    }

    func testBasicBlockWithDownsample() {
        var generator = SeededGenerator(seed: 11)
        let block = BasicBlock(inputChannels: 2, planes: 3, stride: 2, generator: &generator)
        GradientCheck.verify(block, input: Tensor.normal([2, 2, 4, 4], generator: &generator), seed: 12)
    }

    func testBasicBlockWithIdentityShortcut() {
        var generator = SeededGenerator(seed: 13)
        let block = BasicBlock(inputChannels: 2, planes: 2, stride: 1, generator: &generator)
        XCTAssertNil(block.downsample)
        GradientCheck.verify(block, input: Tensor.normal([2, 2, 3, 3], generator: &generator))
    }

    func testBottleneckWithDownsample() {
        var generator = SeededGenerator(seed: 14)
        let block = Bottleneck(inputChannels: 4, planes: 2, stride: 2, generator: &generator)
        XCTAssertEqual(block.namedParameters.map(\.name).last, "downsample.1.bias")
        GradientCheck.verify(block, input: Tensor.normal([2, 4, 4, 4], generator: &generator))
    }

    func testDropoutBackwardUsesTheForwardMask() {
        let dropout = Dropout(probability: 0.5, seed: 3)
        let input = Tensor(shape: [1000], repeating: 1)
        let output = dropout.forward(input, mode: .training)
        let kept = output.storage.filter { $0 != 0 }
        XCTAssertTrue(kept.allSatisfy { $0 == 2 }, "survivors are scaled by 1/(1 − p)")
        XCTAssertEqual(Double(kept.count), 500, accuracy: 60)
        let gradient = dropout.backward(Tensor(shape: [1000], repeating: 3))
        XCTAssertEqual(gradient.storage, output.storage.map { $0 * 3 })
        XCTAssertEqual(dropout.forward(input, mode: .inference), input)
        let again = Dropout(probability: 0.5, seed: 3).forward(input, mode: .training)
        XCTAssertEqual(again, output, "same seed, same mask")
    }
}
