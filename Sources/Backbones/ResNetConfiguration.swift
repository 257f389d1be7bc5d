/// The torchvision ResNet variants SlideMIL builds.
public enum ResNetDepth: String, CaseIterable, Sendable {
    case resnet18, resnet34, resnet50

    /// Blocks in layer1…layer4.
    public var blockCounts: [Int] {
        switch self {
        case .resnet18: return [2, 2, 2, 2]
        case .resnet34, .resnet50: return [3, 4, 6, 3]
        }
    }

    /// Whether blocks are `Bottleneck`s (expansion 4) rather than `BasicBlock`s.
    public var usesBottleneck: Bool { self == .resnet50 }

    /// Output channels per unit of a stage's width (1 for BasicBlock, 4 for Bottleneck).
    public var expansion: Int { usesBottleneck ? 4 : 1 }
}

/// What a ResNet returns.
public enum ResNetHead: Equatable, Sendable {
    /// Logits from `fc` for this many classes ([N, classes]).
    case classifier(classes: Int)
    /// Globally pooled features before `fc`: [N, 8·width·expansion] (512 for ResNet-18/34, 2048
    /// for ResNet-50 at base width 64).
    case featuresBeforeClassifier
    /// CLAM's truncation: `layer4` and `fc` removed, global average pool after `layer3`:
    /// [N, 4·width·expansion] (1024 for ResNet-50 at base width 64).
    case featuresAfterLayer3
}

/// The shape of a torchvision-style ResNet.
public struct ResNetConfiguration: Equatable, Sendable {
    public var depth: ResNetDepth
    /// Width of conv1 and layer1 (64 in torchvision); stages use 1×, 2×, 4×, 8× this. Reduced
    /// widths keep the structure for fast tests.
    public var baseWidth: Int
    /// Image channels (3 for RGB, 1 for MNIST).
    public var inputChannels: Int
    public var head: ResNetHead

    /// torchvision defaults: base width 64, RGB, 1000 ImageNet classes.
    public init(depth: ResNetDepth, baseWidth: Int = 64, inputChannels: Int = 3, head: ResNetHead = .classifier(classes: 1000)) {
        precondition(baseWidth > 0 && inputChannels > 0, "ResNet needs positive widths")
        self.depth = depth
        self.baseWidth = baseWidth
        self.inputChannels = inputChannels
        self.head = head
    }

    /// The MNIST variant: ResNet-18 structure, one input channel, conv1 7×7 stride 2 padding 3,
    /// ten classes.
    public static func mnist(baseWidth: Int = 64) -> ResNetConfiguration {
        ResNetConfiguration(depth: .resnet18, baseWidth: baseWidth, inputChannels: 1, head: .classifier(classes: 10))
    }

    /// Width of the output: classes, or the feature dimension of a truncated model.
    public var outputWidth: Int {
        switch head {
        case .classifier(let classes): return classes
        case .featuresBeforeClassifier: return 8 * baseWidth * depth.expansion
        case .featuresAfterLayer3: return 4 * baseWidth * depth.expansion
        }
    }
}
