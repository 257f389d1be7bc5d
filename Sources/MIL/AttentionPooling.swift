import NN
import Tensor

/// Attention pooling as the MNIST-bags tutorial's `AttentionSoftMax`, with masking.
///
/// For instance features x_i ∈ ℝ^D: key k_i = LeakyReLU(W_k x_i + b_k) ∈ ℝ^H (slope 0.01),
/// score s_i = q · k_i + c, weights w = softmax(s) over the bag's real instances, and the bag
/// embedding is Σ_i w_i x_i ∈ ℝ^D. The instance weights are the attention weights.
/// Parameters: `keys.weight` [H, D], `keys.bias` [H], `query.weight` [1, H], `query.bias` [1].
/// Cost: 2·B·Nmax·D·H flops forward; memory O(B·Nmax·(D + H)).
public final class AttentionPooling: MILPooling {
    public let inputWidth: Int
    public let hiddenWidth: Int
    public let keys: Linear
    public let query: Linear
    private let activation = LeakyReLU()
    private var cache: (rows: Tensor, weights: Tensor, shape: [Int])?

    /// - Parameters: `inputWidth` D, `hiddenWidth` H (the tutorial uses H = D).
    public init(inputWidth: Int, hiddenWidth: Int, generator: inout SeededGenerator) {
        self.inputWidth = inputWidth
        self.hiddenWidth = hiddenWidth
        keys = Linear(inputFeatures: inputWidth, outputFeatures: hiddenWidth, generator: &generator)
        query = Linear(inputFeatures: hiddenWidth, outputFeatures: 1, generator: &generator)
    }

    public var outputWidth: Int { inputWidth }

    public var namedParameters: [(name: String, parameter: Parameter)] {
        prefixed("keys", keys.namedParameters) + prefixed("query", query.namedParameters)
    }

    public func forward(_ batch: BagBatch, mode: Mode) -> PoolingOutput {
        precondition(batch.featureWidth == inputWidth, "AttentionPooling expects \(inputWidth)-wide features, got \(batch.featureWidth)")
        let rows = batch.zeroPaddedRows()
        let scores = query.forward(activation.forward(keys.forward(rows, mode: mode), mode: mode), mode: mode)
        let weights = AttentionReadout.weights(scores: scores.storage, mask: batch.mask, bags: batch.bagCount, maxInstances: batch.maxInstances)
        cache = mode == .training ? (rows, weights, batch.features.shape) : nil
        return PoolingOutput(pooled: AttentionReadout.pool(rows: rows, weights: weights), instanceWeights: weights)
    }

    public func backward(_ pooledGradient: Tensor) -> Tensor {
        guard let cache else { preconditionFailure("AttentionPooling.backward called without a training-mode forward") }
        let (scoreGradient, direct) = AttentionReadout.backward(pooledGradient: pooledGradient, rows: cache.rows, weights: cache.weights)
        let keyGradient = query.backward(Tensor(shape: [scoreGradient.count, 1], storage: scoreGradient))
        var rowGradient = keys.backward(activation.backward(keyGradient))
        rowGradient.add(direct)
        return rowGradient.reshaped(cache.shape)
    }
}
