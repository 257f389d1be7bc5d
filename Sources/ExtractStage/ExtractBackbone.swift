import Backbones
import Foundation

/// The CNNs `slidemil extract` can run, with torchvision weight names.
public enum ExtractBackbone: String, CaseIterable, Sendable {
    /// ResNet-18, globally pooled before `fc`: 512 features at base width 64.
    case resnet18
    /// ResNet-34, pooled before `fc`: 512 features.
    case resnet34
    /// ResNet-50, pooled before `fc`: 2048 features.
    case resnet50
    /// ResNet-50 cut after `layer3` and pooled (CLAM's default): 1024 features. The default.
    case resnet50Truncated = "resnet50-trunc"

    /// The ResNet shape for this backbone; `baseWidth` below 64 shrinks it for tests and demos.
    public func configuration(baseWidth: Int = 64) -> ResNetConfiguration {
        switch self {
        case .resnet18: return ResNetConfiguration(depth: .resnet18, baseWidth: baseWidth, head: .featuresBeforeClassifier)
        case .resnet34: return ResNetConfiguration(depth: .resnet34, baseWidth: baseWidth, head: .featuresBeforeClassifier)
        case .resnet50: return ResNetConfiguration(depth: .resnet50, baseWidth: baseWidth, head: .featuresBeforeClassifier)
        case .resnet50Truncated: return ResNetConfiguration(depth: .resnet50, baseWidth: baseWidth, head: .featuresAfterLayer3)
        }
    }
}

/// A backbone ready to run, with the provenance written into every feature file.
public struct ExtractModel {
    /// The eval-mode model, from which each extraction thread folds its own `FoldedResNet`.
    public let network: ResNet
    /// `"<file name>"`, or `"random-init seed N"` for untrained weights.
    public let weightsLabel: String
    /// Hex SHA-256 of the weights file; `nil` for random initialisation.
    public let weightsChecksum: String?

    /// Whether the weights are random (demos and tests only: the features mean nothing).
    public var isRandom: Bool { weightsChecksum == nil }

    /// Builds the backbone of `settings` and loads its weights (a torchvision-named safetensors
    /// file), or initialises it randomly with `settings.seed` when `settings.weights` is nil.
    /// - Throws: `ExtractError.weightsUnreadable` for a missing file, `StateDictionaryError`
    ///   (naming the file and every missing, unexpected or mis-shaped key) for weights of another
    ///   architecture.
    public init(settings: ExtractSettings) throws {
        network = ResNet(settings.backbone.configuration(baseWidth: settings.baseWidth), seed: settings.seed)
        if let path = settings.weights {
            let url = URL(fileURLWithPath: path)
            weightsChecksum = try ExtractionChecksum.sha256(fileAt: url)
            try network.load(contentsOf: url)
            weightsLabel = url.lastPathComponent
        } else {
            weightsChecksum = nil
            weightsLabel = "random-init seed \(settings.seed)"
        }
    }

    /// The inference fast path on `workers` cores (one instance per thread: not thread-safe).
    public func folded(workers: Int) -> FoldedResNet {
        FoldedResNet(network, workers: workers, threading: .splitBatch, microBatch: 1)
    }
}
