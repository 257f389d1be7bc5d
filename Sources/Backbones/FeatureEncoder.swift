import Tensor

/// A network that turns a batch of normalised images into one feature row per image: what
/// `slidemil extract` runs. Instances keep scratch buffers and are not thread-safe.
public protocol FeatureEncoder: AnyObject {
    /// Features per image.
    var outputWidth: Int { get }
    /// [N, channels, H, W] → [N, outputWidth].
    func forward(_ input: Tensor) -> Tensor
}

extension FoldedResNet: FeatureEncoder {
    /// Features (or logits) per image.
    public var outputWidth: Int { configuration.outputWidth }
}

extension VisionTransformer: FeatureEncoder {
    /// Features per image (2 · width for class token ⊕ mean pooling).
    public var outputWidth: Int { configuration.outputWidth }
}
