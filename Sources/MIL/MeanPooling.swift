import NN
import Tensor

/// Mean pooling: the bag embedding is (1/n) Σ_i x_i over the n real instances.
///
/// No parameters. Instance weights are the uniform 1/n each instance contributes.
/// Cost O(B·Nmax·D).
public final class MeanPooling: MILPooling {
    public let inputWidth: Int
    private var cache: (weights: Tensor, shape: [Int])?

    /// Mean pooling of `inputWidth`-wide features.
    public init(inputWidth: Int) { self.inputWidth = inputWidth }

    public var outputWidth: Int { inputWidth }
    public var namedParameters: [(name: String, parameter: Parameter)] { [] }

    public func forward(_ batch: BagBatch, mode: Mode) -> PoolingOutput {
        precondition(batch.featureWidth == inputWidth, "MeanPooling expects \(inputWidth)-wide features, got \(batch.featureWidth)")
        let n = batch.maxInstances
        var weights = Tensor(shape: [batch.bagCount, n])
        for b in 0..<batch.bagCount {
            let share = 1 / Float(batch.instanceCount(b))
            for i in 0..<n where batch.mask[b * n + i] { weights.storage[b * n + i] = share }
        }
        cache = mode == .training ? (weights, batch.features.shape) : nil
        return PoolingOutput(pooled: AttentionReadout.pool(rows: batch.zeroPaddedRows(), weights: weights), instanceWeights: weights)
    }

    /// dx_bi = dPooled_b / n at real instances, 0 at padding.
    public func backward(_ pooledGradient: Tensor) -> Tensor {
        guard let cache else { preconditionFailure("MeanPooling.backward called without a training-mode forward") }
        let bags = cache.shape[0], n = cache.shape[1], d = cache.shape[2]
        var gradient = Tensor(shape: cache.shape)
        for b in 0..<bags {
            for i in 0..<n {
                let weight = cache.weights.storage[b * n + i]
                if weight == 0 { continue }
                for j in 0..<d { gradient.storage[(b * n + i) * d + j] = weight * pooledGradient.storage[b * d + j] }
            }
        }
        return gradient
    }
}
