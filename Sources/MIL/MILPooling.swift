import NN
import Tensor

/// The result of pooling a `BagBatch`.
public struct PoolingOutput {
    /// [B, outputWidth] bag embeddings.
    public let pooled: Tensor
    /// [B, Nmax] per-instance weights; each bag's real weights sum to 1 and padded entries are 0.
    /// For attention heads these are the attention weights; other heads document their meaning.
    public let instanceWeights: Tensor
}

/// A permutation-invariant, mask-aware map from a bag of instance features to one bag embedding.
///
/// Same contract as `Layer`: `.training` forward caches what `backward` needs; `backward` adds
/// parameter gradients and returns dLoss/dFeatures as [B, Nmax, D] with zero rows at padding.
/// Gradients do not flow through `instanceWeights` (they are reported, not trained on).
public protocol MILPooling: AnyObject {
    /// Width of the pooled embedding.
    var outputWidth: Int { get }
    /// Trainable tensors with `state_dict`-style names.
    var namedParameters: [(name: String, parameter: Parameter)] { get }
    /// Pools each bag of the batch over its real instances.
    func forward(_ batch: BagBatch, mode: Mode) -> PoolingOutput
    /// Given dLoss/dPooled [B, outputWidth], returns dLoss/dFeatures [B, Nmax, D].
    func backward(_ pooledGradient: Tensor) -> Tensor
}
