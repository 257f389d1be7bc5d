import Foundation
import NN
import Tensor

/// Noisy-AND pooling of Kraus, Ba & Frey 2016 ("Classifying and segmenting microscopy images with
/// deep multiple instance learning", eq. 1), over learned instance-level probabilities, with masking.
///
/// Instance probabilities p_ik = σ(W x_i + c)_k for K channels (W [K, D]); per bag and channel the
/// mean over real instances p̄_k; output
/// P_k = (σ(a(p̄_k − b_k)) − σ(−a b_k)) / (σ(a(1 − b_k)) − σ(−a b_k)) ∈ [0, 1],
/// with a fixed slope a (default 10) and a learned threshold b_k per channel (initial 0.5).
/// The denominator is positive for every b because a > 0. Instance weights: each instance's mean
/// channel probability (1/K) Σ_k p_ik, normalised to sum to 1 over the bag.
/// Parameters: `instances.weight` [K, D], `instances.bias` [K], `threshold` [K].
public final class NoisyAndPooling: MILPooling {
    public let inputWidth: Int
    public let channels: Int
    public let slope: Float
    public let instances: Linear
    public let threshold: Parameter
    private let probability = Sigmoid()
    private var cache: (probabilities: Tensor, means: Tensor, mask: [Bool], shape: [Int])?

    /// - Parameters: `inputWidth` D, `channels` K, `slope` a > 0.
    public init(inputWidth: Int, channels: Int, slope: Float = 10, generator: inout SeededGenerator) {
        precondition(slope > 0, "Noisy-AND slope must be positive, got \(slope)")
        self.inputWidth = inputWidth
        self.channels = channels
        self.slope = slope
        instances = Linear(inputFeatures: inputWidth, outputFeatures: channels, generator: &generator)
        threshold = Parameter(Tensor(shape: [channels], repeating: 0.5))
    }

    public var outputWidth: Int { channels }

    public var namedParameters: [(name: String, parameter: Parameter)] {
        prefixed("instances", instances.namedParameters) + [(name: "threshold", parameter: threshold)]
    }

    public func forward(_ batch: BagBatch, mode: Mode) -> PoolingOutput {
        precondition(batch.featureWidth == inputWidth, "NoisyAndPooling expects \(inputWidth)-wide features, got \(batch.featureWidth)")
        let bags = batch.bagCount, n = batch.maxInstances, k = channels
        let p = probability.forward(instances.forward(batch.zeroPaddedRows(), mode: mode), mode: mode)
        var means = Tensor(shape: [bags, k])
        var weights = Tensor(shape: [bags, n])
        var pooled = Tensor(shape: [bags, k])
        for b in 0..<bags {
            let count = Float(batch.instanceCount(b))
            var weightTotal: Float = 0
            for i in 0..<n where batch.mask[b * n + i] {
                var instanceMean: Float = 0
                for c in 0..<k {
                    means.storage[b * k + c] += p.storage[(b * n + i) * k + c] / count
                    instanceMean += p.storage[(b * n + i) * k + c] / Float(k)
                }
                weights.storage[b * n + i] = instanceMean
                weightTotal += instanceMean
            }
            for i in 0..<n { weights.storage[b * n + i] /= weightTotal }
            for c in 0..<k {
                pooled.storage[b * k + c] = noisyAnd(mean: means.storage[b * k + c], threshold: threshold.value.storage[c]).value
            }
        }
        cache = mode == .training ? (p, means, batch.mask, batch.features.shape) : nil
        return PoolingOutput(pooled: pooled, instanceWeights: weights)
    }

    public func backward(_ pooledGradient: Tensor) -> Tensor {
        guard let cache else { preconditionFailure("NoisyAndPooling.backward called without a training-mode forward") }
        let bags = cache.shape[0], n = cache.shape[1], k = channels
        var probabilityGradient = Tensor(shape: [bags * n, k])
        for b in 0..<bags {
            let count = Float((0..<n).filter { cache.mask[b * n + $0] }.count)
            for c in 0..<k {
                let parts = noisyAnd(mean: cache.means.storage[b * k + c], threshold: threshold.value.storage[c])
                let g = pooledGradient.storage[b * k + c]
                threshold.gradient.storage[c] += g * parts.dThreshold
                for i in 0..<n where cache.mask[b * n + i] {
                    probabilityGradient.storage[(b * n + i) * k + c] = g * parts.dMean / count
                }
            }
        }
        return instances.backward(probability.backward(probabilityGradient)).reshaped(cache.shape)
    }

    /// P(m, b) and its partial derivatives in m and b.
    private func noisyAnd(mean m: Float, threshold b: Float) -> (value: Float, dMean: Float, dThreshold: Float) {
        let a = slope
        let u = Sigmoid.logistic(a * (m - b)), low = Sigmoid.logistic(-a * b), high = Sigmoid.logistic(a * (1 - b))
        let range = high - low
        let value = (u - low) / range
        let du = a * u * (1 - u)
        // d/db of u, low and high: each σ(a(· − b)) contributes −a σ(1 − σ).
        let dLow = -a * low * (1 - low), dHigh = -a * high * (1 - high)
        let dThreshold = ((-du - dLow) * range - (u - low) * (dHigh - dLow)) / (range * range)
        return (value, du / range, dThreshold)
    }
}
