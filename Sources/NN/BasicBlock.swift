import Tensor

/// torchvision's ResNet `BasicBlock`: relu(bn2(conv2(relu(bn1(conv1(x))))) + shortcut(x)), two 3×3
/// convolutions (the first carries the stride), expansion 1. `downsample` (conv1x1 + BN, named
/// `downsample.0` / `downsample.1`) replaces the identity shortcut when stride or width changes.
public final class BasicBlock: Layer {
    /// Output channels per unit of `planes`.
    public static let expansion = 1
    public let conv1: Conv2d
    public let bn1: BatchNorm2d
    public let conv2: Conv2d
    public let bn2: BatchNorm2d
    public let downsample: Sequential?
    private let relu1 = ReLU()
    private let relu2 = ReLU()

    /// A block from `inputChannels` to `planes` channels; convolutions bias-free, with PyTorch's
    /// default init (backbones re-initialise as torchvision does).
    public init(inputChannels: Int, planes: Int, stride: Int, generator: inout SeededGenerator) {
        conv1 = Conv2d(inputChannels: inputChannels, outputChannels: planes, kernel: 3, stride: stride, padding: 1, bias: false, generator: &generator)
        bn1 = BatchNorm2d(channels: planes)
        conv2 = Conv2d(inputChannels: planes, outputChannels: planes, kernel: 3, stride: 1, padding: 1, bias: false, generator: &generator)
        bn2 = BatchNorm2d(channels: planes)
        downsample = (stride != 1 || inputChannels != planes)
            ? Shortcut.make(inputChannels: inputChannels, outputChannels: planes, stride: stride, generator: &generator)
            : nil
    }

    public var namedParameters: [(name: String, parameter: Parameter)] {
        prefixed("conv1", conv1.namedParameters) + prefixed("bn1", bn1.namedParameters)
            + prefixed("conv2", conv2.namedParameters) + prefixed("bn2", bn2.namedParameters)
            + (downsample.map { prefixed("downsample", $0.namedParameters) } ?? [])
    }

    public var namedBuffers: [(name: String, buffer: Buffer)] {
        prefixed("bn1", bn1.namedBuffers) + prefixed("bn2", bn2.namedBuffers)
            + (downsample.map { prefixed("downsample", $0.namedBuffers) } ?? [])
    }

    public func forward(_ input: Tensor, mode: Mode) -> Tensor {
        var main = relu1.forward(bn1.forward(conv1.forward(input, mode: mode), mode: mode), mode: mode)
        main = bn2.forward(conv2.forward(main, mode: mode), mode: mode)
        main.add(downsample?.forward(input, mode: mode) ?? input)
        return relu2.forward(main, mode: mode)
    }

    /// The gradient after the final ReLU flows into both the main branch and the shortcut.
    public func backward(_ outputGradient: Tensor) -> Tensor {
        let sumGradient = relu2.backward(outputGradient)
        var inputGradient = conv1.backward(bn1.backward(relu1.backward(conv2.backward(bn2.backward(sumGradient)))))
        inputGradient.add(downsample?.backward(sumGradient) ?? sumGradient)
        return inputGradient
    }
}

/// The projection shortcut of ResNet blocks: `Sequential(conv1x1(stride), BatchNorm2d)`.
enum Shortcut {
    static func make(inputChannels: Int, outputChannels: Int, stride: Int, generator: inout SeededGenerator) -> Sequential {
        Sequential([
            Conv2d(inputChannels: inputChannels, outputChannels: outputChannels, kernel: 1, stride: stride, bias: false, generator: &generator),
            BatchNorm2d(channels: outputChannels),
        ])
    }
}
