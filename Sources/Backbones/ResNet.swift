import Foundation
import NN
import Tensor

/// A ResNet exactly as torchvision builds it, trainable, with torchvision `state_dict` names
/// (`conv1.weight`, `bn1.running_mean`, `layer1.0.conv1.weight`, `layer2.0.downsample.0.weight`,
/// `fc.bias`, …).
///
/// Stem: conv1 7×7 stride 2 padding 3 (no bias) → bn1 → relu → maxpool 3×3 stride 2 padding 1;
/// then layer1…layer4 (strides 1, 2, 2, 2; the stride sits on the first block's 3×3 conv, v1.5),
/// global average pool, flatten, fc. Initialisation follows torchvision: conv weights
/// kaiming-normal (fan_out, relu), batch norm γ = 1, β = 0, fc PyTorch's default.
/// For fast inference over many tiles, wrap a trained or loaded model in `FoldedResNet`.
public final class ResNet: Layer {
    public let configuration: ResNetConfiguration
    public let conv1: Conv2d
    public let bn1: BatchNorm2d
    /// layer1…layer4 (layer4 absent for `.featuresAfterLayer3`), each a `Sequential` of blocks.
    public let stages: [Sequential]
    /// The classifier; `nil` for the truncated heads.
    public let fc: Linear?
    private let relu = ReLU()
    private let maxPool = MaxPool2d(kernel: 3, stride: 2, padding: 1)
    private let averagePool = AdaptiveAvgPool2d()
    private let flatten = Flatten()

    /// Builds the network with seeded torchvision initialisation.
    public init(_ configuration: ResNetConfiguration, seed: UInt64 = 0) {
        self.configuration = configuration
        var generator = SeededGenerator(seed: seed)
        let width = configuration.baseWidth
        conv1 = Conv2d(inputChannels: configuration.inputChannels, outputChannels: width, kernel: 7, stride: 2, padding: 3,
                       bias: false, generator: &generator)
        bn1 = BatchNorm2d(channels: width)
        let stageCount = configuration.head == .featuresAfterLayer3 ? 3 : 4
        var channels = width
        var stages: [Sequential] = []
        for stage in 0..<stageCount {
            let planes = width << stage
            var blocks: [any Layer] = []
            for index in 0..<configuration.depth.blockCounts[stage] {
                let stride = (index == 0 && stage > 0) ? 2 : 1
                if configuration.depth.usesBottleneck {
                    blocks.append(Bottleneck(inputChannels: channels, planes: planes, stride: stride, generator: &generator))
                } else {
                    blocks.append(BasicBlock(inputChannels: channels, planes: planes, stride: stride, generator: &generator))
                }
                channels = planes * configuration.depth.expansion
            }
            stages.append(Sequential(blocks))
        }
        self.stages = stages
        if case .classifier(let classes) = configuration.head {
            fc = Linear(inputFeatures: channels, outputFeatures: classes, generator: &generator)
        } else {
            fc = nil
        }
        for (name, parameter) in namedParameters where parameter.value.rank == 4 {
            precondition(name.hasSuffix("weight"))
            parameter.value = Initializers.kaimingNormalFanOut(parameter.value.shape, generator: &generator)
        }
    }

    public var namedParameters: [(name: String, parameter: Parameter)] {
        var result = prefixed("conv1", conv1.namedParameters) + prefixed("bn1", bn1.namedParameters)
        for (index, stage) in stages.enumerated() { result += prefixed("layer\(index + 1)", stage.namedParameters) }
        if let fc { result += prefixed("fc", fc.namedParameters) }
        return result
    }

    public var namedBuffers: [(name: String, buffer: Buffer)] {
        var result = prefixed("bn1", bn1.namedBuffers)
        for (index, stage) in stages.enumerated() { result += prefixed("layer\(index + 1)", stage.namedBuffers) }
        return result
    }

    /// [N, inputChannels, H, W] → [N, configuration.outputWidth].
    public func forward(_ input: Tensor, mode: Mode) -> Tensor {
        var x = maxPool.forward(relu.forward(bn1.forward(conv1.forward(input, mode: mode), mode: mode), mode: mode), mode: mode)
        for stage in stages { x = stage.forward(x, mode: mode) }
        x = flatten.forward(averagePool.forward(x, mode: mode), mode: mode)
        return fc?.forward(x, mode: mode) ?? x
    }

    public func backward(_ outputGradient: Tensor) -> Tensor {
        conv1.backward(gradientAtStem(outputGradient))
    }

    /// As `backward`, without dLoss/dInput (the gradient with respect to the images, which
    /// training never uses): accumulates the parameter gradients only and skips the stem
    /// convolution's backward-data pass, as PyTorch does for inputs that need no gradient.
    public func backwardParameters(_ outputGradient: Tensor) {
        conv1.backwardParameters(gradientAtStem(outputGradient))
    }

    /// Backward through everything after the stem convolution: dLoss/d(conv1 output).
    private func gradientAtStem(_ outputGradient: Tensor) -> Tensor {
        var g = fc?.backward(outputGradient) ?? outputGradient
        g = averagePool.backward(flatten.backward(g))
        for stage in stages.reversed() { g = stage.backward(g) }
        return bn1.backward(relu.backward(maxPool.backward(g)))
    }

    /// Loads torchvision weights. For truncated heads the keys of the removed parts (`fc.`, and
    /// `layer4.` after layer3) are accepted and skipped, so a full ImageNet checkpoint loads.
    /// - Throws: `ParameterLoadError` listing missing, unexpected and mis-shaped keys.
    public func load(torchvisionState state: [String: Tensor]) throws {
        try load(state, ignoring: isRemovedByHead)
    }

    /// Loads a torchvision checkpoint saved as safetensors (`state_dict` names; F32, F16 or BF16).
    /// - Throws: `StateDictionaryError` naming the file and every missing, unexpected or
    ///   mis-shaped key, or the archive's own read errors.
    public func load(contentsOf url: URL) throws {
        var expected: [String: [Int]] = [:]
        for (name, tensor) in stateDictionary() { expected[name] = tensor.shape }
        let stored = try StateDictionary(contentsOf: url, expected: expected) { [isRemovedByHead] name in
            StateDictionary.isBatchNormCounter(name) || isRemovedByHead(name)
        }
        try load(stored.tensors)
    }

    /// Whether `key` belongs to a part this head removes (`fc.`, and `layer4.` after layer3).
    private func isRemovedByHead(_ key: String) -> Bool {
        switch configuration.head {
        case .classifier: return false
        case .featuresBeforeClassifier: return key.hasPrefix("fc.")
        case .featuresAfterLayer3: return key.hasPrefix("fc.") || key.hasPrefix("layer4.")
        }
    }
}
