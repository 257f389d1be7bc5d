import Tensor

/// torchvision's ResNet `Bottleneck` (v1.5): conv1 1×1 → bn1 → relu → conv2 3×3 (carries the
/// stride) → bn2 → relu → conv3 1×1 to 4·planes → bn3, plus the shortcut, then relu.
/// `downsample` (conv1x1 + BN) replaces the identity when stride or width changes.
public final class Bottleneck: Layer {
    /// Output channels per unit of `planes`.
    public static let expansion = 4
    public let conv1: Conv2d
    public let bn1: BatchNorm2d
    public let conv2: Conv2d
    public let bn2: BatchNorm2d
    public let conv3: Conv2d
    public let bn3: BatchNorm2d
    public let downsample: Sequential?
    private let relu1 = ReLU()
    private let relu2 = ReLU()
    private let relu3 = ReLU()

    /// A block from `inputChannels` to `4·planes` channels with bias-free convolutions.
    public init(inputChannels: Int, planes: Int, stride: Int, generator: inout SeededGenerator) {
        let width = planes * Self.expansion
        conv1 = Conv2d(inputChannels: inputChannels, outputChannels: planes, kernel: 1, bias: false, generator: &generator)
        bn1 = BatchNorm2d(channels: planes)
        conv2 = Conv2d(inputChannels: planes, outputChannels: planes, kernel: 3, stride: stride, padding: 1, bias: false, generator: &generator)
        bn2 = BatchNorm2d(channels: planes)
        conv3 = Conv2d(inputChannels: planes, outputChannels: width, kernel: 1, bias: false, generator: &generator)
        bn3 = BatchNorm2d(channels: width)
        downsample = (stride != 1 || inputChannels != width)
            ? Shortcut.make(inputChannels: inputChannels, outputChannels: width, stride: stride, generator: &generator)
            : nil
    }

    public var namedParameters: [(name: String, parameter: Parameter)] {
        prefixed("conv1", conv1.namedParameters) + prefixed("bn1", bn1.namedParameters)
            + prefixed("conv2", conv2.namedParameters) + prefixed("bn2", bn2.namedParameters)
            + prefixed("conv3", conv3.namedParameters) + prefixed("bn3", bn3.namedParameters)
            + (downsample.map { prefixed("downsample", $0.namedParameters) } ?? [])
    }

    public var namedBuffers: [(name: String, buffer: Buffer)] {
        prefixed("bn1", bn1.namedBuffers) + prefixed("bn2", bn2.namedBuffers) + prefixed("bn3", bn3.namedBuffers)
            + (downsample.map { prefixed("downsample", $0.namedBuffers) } ?? [])
    }

    public func forward(_ input: Tensor, mode: Mode) -> Tensor {
        var main = relu1.forward(bn1.forward(conv1.forward(input, mode: mode), mode: mode), mode: mode)
        main = relu2.forward(bn2.forward(conv2.forward(main, mode: mode), mode: mode), mode: mode)
        main = bn3.forward(conv3.forward(main, mode: mode), mode: mode)
        main.add(downsample?.forward(input, mode: mode) ?? input)
        return relu3.forward(main, mode: mode)
    }

    /// The gradient after the final ReLU flows into both the main branch and the shortcut.
    public func backward(_ outputGradient: Tensor) -> Tensor {
        let sumGradient = relu3.backward(outputGradient)
        var g = conv3.backward(bn3.backward(sumGradient))
        g = conv2.backward(bn2.backward(relu2.backward(g)))
        var inputGradient = conv1.backward(bn1.backward(relu1.backward(g)))
        inputGradient.add(downsample?.backward(sumGradient) ?? sumGradient)
        return inputGradient
    }
}
