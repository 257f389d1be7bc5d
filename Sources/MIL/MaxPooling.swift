import NN
import Tensor

/// Max pooling: each embedding feature is the maximum of that feature over the real instances.
///
/// No parameters. Ties go to the first real instance in row order (the gradient flows to it
/// alone, as PyTorch's `max` does). Instance weights: the share of the D features for which
/// the instance holds the maximum, so they sum to 1 and point at the instances that matter.
/// Cost O(B·Nmax·D).
public final class MaxPooling: MILPooling {
    public let inputWidth: Int
    private var cache: (winners: [Int], shape: [Int])?

    /// Max pooling of `inputWidth`-wide features.
    public init(inputWidth: Int) { self.inputWidth = inputWidth }

    public var outputWidth: Int { inputWidth }
    public var namedParameters: [(name: String, parameter: Parameter)] { [] }

    public func forward(_ batch: BagBatch, mode: Mode) -> PoolingOutput {
        precondition(batch.featureWidth == inputWidth, "MaxPooling expects \(inputWidth)-wide features, got \(batch.featureWidth)")
        let bags = batch.bagCount, n = batch.maxInstances, d = inputWidth
        let x = batch.features.storage
        var pooled = Tensor(shape: [bags, d])
        var weights = Tensor(shape: [bags, n])
        var winners = [Int](repeating: 0, count: bags * d)
        for b in 0..<bags {
            for j in 0..<d {
                var best = -Float.infinity, winner = -1
                for i in 0..<n where batch.mask[b * n + i] {
                    let value = x[(b * n + i) * d + j]
                    if winner < 0 || value > best { best = value; winner = i }
                }
                pooled.storage[b * d + j] = best
                winners[b * d + j] = winner
                weights.storage[b * n + winner] += 1 / Float(d)
            }
        }
        cache = mode == .training ? (winners, batch.features.shape) : nil
        return PoolingOutput(pooled: pooled, instanceWeights: weights)
    }

    /// Routes each dPooled_bj to the instance that held the maximum of feature j.
    public func backward(_ pooledGradient: Tensor) -> Tensor {
        guard let cache else { preconditionFailure("MaxPooling.backward called without a training-mode forward") }
        let bags = cache.shape[0], n = cache.shape[1], d = cache.shape[2]
        var gradient = Tensor(shape: cache.shape)
        for b in 0..<bags {
            for j in 0..<d {
                gradient.storage[(b * n + cache.winners[b * d + j]) * d + j] = pooledGradient.storage[b * d + j]
            }
        }
        return gradient
    }
}
