import NN
import Tensor

/// The MNIST-bags tutorial's `SoftMaxMeanSimple`: a softmax-weighted mean whose weights come from
/// a transform of the instance features themselves, with masking.
///
/// z_i = LeakyReLU(W₂ LeakyReLU(W₁ x_i + b₁) + b₂) ∈ ℝ^D (W₁ [H, D], W₂ [D, H], slope 0.01);
/// score s_i = Σ_d z_id (the tutorial's sum over the transformed features); w = softmax(s) over
/// the real instances; embedding Σ_i w_i x_i ∈ ℝ^D. Instance weights are w.
/// Parameters: `transform.0.*` (W₁, b₁), `transform.2.*` (W₂, b₂), named as the tutorial's
/// `nn.Sequential`. Cost 4·B·Nmax·D·H flops forward.
public final class SoftMaxMeanPooling: MILPooling {
    public let inputWidth: Int
    public let hiddenWidth: Int
    public let first: Linear
    public let second: Linear
    private let firstActivation = LeakyReLU()
    private let secondActivation = LeakyReLU()
    private var cache: (rows: Tensor, weights: Tensor, shape: [Int])?

    /// - Parameters: `inputWidth` D, `hiddenWidth` H of the instance transform.
    public init(inputWidth: Int, hiddenWidth: Int, generator: inout SeededGenerator) {
        self.inputWidth = inputWidth
        self.hiddenWidth = hiddenWidth
        first = Linear(inputFeatures: inputWidth, outputFeatures: hiddenWidth, generator: &generator)
        second = Linear(inputFeatures: hiddenWidth, outputFeatures: inputWidth, generator: &generator)
    }

    public var outputWidth: Int { inputWidth }

    public var namedParameters: [(name: String, parameter: Parameter)] {
        prefixed("transform.0", first.namedParameters) + prefixed("transform.2", second.namedParameters)
    }

    public func forward(_ batch: BagBatch, mode: Mode) -> PoolingOutput {
        precondition(batch.featureWidth == inputWidth, "SoftMaxMeanPooling expects \(inputWidth)-wide features, got \(batch.featureWidth)")
        let rows = batch.zeroPaddedRows()
        let hidden = firstActivation.forward(first.forward(rows, mode: mode), mode: mode)
        let transformed = secondActivation.forward(second.forward(hidden, mode: mode), mode: mode)
        let scores = transformed.sum(alongAxis: 1)
        let weights = AttentionReadout.weights(scores: scores.storage, mask: batch.mask, bags: batch.bagCount, maxInstances: batch.maxInstances)
        cache = mode == .training ? (rows, weights, batch.features.shape) : nil
        return PoolingOutput(pooled: AttentionReadout.pool(rows: rows, weights: weights), instanceWeights: weights)
    }

    public func backward(_ pooledGradient: Tensor) -> Tensor {
        guard let cache else { preconditionFailure("SoftMaxMeanPooling.backward called without a training-mode forward") }
        let (scoreGradient, direct) = AttentionReadout.backward(pooledGradient: pooledGradient, rows: cache.rows, weights: cache.weights)
        let d = inputWidth
        // ds_i/dz_id = 1: the score gradient is broadcast over the transformed features.
        var transformedGradient = Tensor(shape: [scoreGradient.count, d])
        for (row, g) in scoreGradient.enumerated() where g != 0 {
            for j in 0..<d { transformedGradient.storage[row * d + j] = g }
        }
        let hiddenGradient = second.backward(secondActivation.backward(transformedGradient))
        var rowGradient = first.backward(firstActivation.backward(hiddenGradient))
        rowGradient.add(direct)
        return rowGradient.reshaped(cache.shape)
    }
}
