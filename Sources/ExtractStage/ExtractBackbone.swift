import Backbones
import Foundation

/// The encoders `slidemil extract` can run: ResNets with torchvision weight names, the Vision
/// Transformer presets of `EncoderPreset` (timm weight names), and `vit` for any timm ViT
/// described by the `config.json` beside its weights.
public enum ExtractBackbone: String, CaseIterable, Sendable {
    /// ResNet-18, globally pooled before `fc`: 512 features at base width 64.
    case resnet18
    /// ResNet-34, pooled before `fc`: 512 features.
    case resnet34
    /// ResNet-50, pooled before `fc`: 2048 features.
    case resnet50
    /// ResNet-50 cut after `layer3` and pooled (CLAM's default): 1024 features. The default.
    case resnet50Truncated = "resnet50-trunc"
    /// The Vision Transformer presets (see `EncoderPreset`).
    case uni, uni2h = "uni2-h", virchow2, hOptimus0 = "h-optimus-0", hOptimus1 = "h-optimus-1", gigapath, phikonV2 = "phikon-v2", conch
    /// A timm ViT described by `config.json` next to the weights.
    case vit

    /// The ResNet shape for this backbone (nil for Vision Transformers); `baseWidth` below 64
    /// shrinks it for tests and demos.
    public func configuration(baseWidth: Int = 64) -> ResNetConfiguration? {
        switch self {
        case .resnet18: return ResNetConfiguration(depth: .resnet18, baseWidth: baseWidth, head: .featuresBeforeClassifier)
        case .resnet34: return ResNetConfiguration(depth: .resnet34, baseWidth: baseWidth, head: .featuresBeforeClassifier)
        case .resnet50: return ResNetConfiguration(depth: .resnet50, baseWidth: baseWidth, head: .featuresBeforeClassifier)
        case .resnet50Truncated: return ResNetConfiguration(depth: .resnet50, baseWidth: baseWidth, head: .featuresAfterLayer3)
        case .uni, .uni2h, .virchow2, .hOptimus0, .hOptimus1, .gigapath, .phikonV2, .conch, .vit: return nil
        }
    }
}

/// A backbone ready to run, with the provenance written into every feature file.
public struct ExtractModel {
    /// The eval-mode ResNet, from which each extraction thread folds its own `FoldedResNet`
    /// (nil for a Vision Transformer).
    public let network: ResNet?
    /// The Vision Transformer (nil for a ResNet).
    public let visionTransformer: VisionTransformer?
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
        guard let configuration = settings.backbone.configuration(baseWidth: settings.baseWidth) else {
            network = nil
            (visionTransformer, weightsChecksum) = try settings.backbone.visionTransformer(settings: settings)
            weightsLabel = URL(fileURLWithPath: settings.weights ?? "").lastPathComponent
            return
        }
        let network = ResNet(configuration, seed: settings.seed)
        self.network = network
        visionTransformer = nil
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

    /// The network to run on `workers` cores: a new `FoldedResNet`, or the Vision Transformer
    /// (not thread-safe: one per thread).
    public func encoder(workers: Int) -> any FeatureEncoder {
        if let network { return FoldedResNet(network, workers: workers, threading: .splitBatch, microBatch: 1) }
        return visionTransformer!
    }
}
