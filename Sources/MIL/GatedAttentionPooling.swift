import NN
import Tensor

/// Gated attention pooling of Ilse, Tomczak & Welling 2018 ("Attention-based deep multiple
/// instance learning", eq. 9), with masking.
///
/// score s_i = wᵀ(tanh(V x_i + b_V) ⊙ σ(U x_i + b_U)) + c, weights a = softmax(s) over the bag's
/// real instances, embedding Σ_i a_i x_i ∈ ℝ^D. Parameters: `attention_v` [L, D] (+bias),
/// `attention_u` [L, D] (+bias), `attention_w` [1, L] (+bias); the paper uses L = 128.
/// Cost: 4·B·Nmax·D·L flops forward; memory O(B·Nmax·(D + L)).
public final class GatedAttentionPooling: MILPooling {
    public let inputWidth: Int
    public let hiddenWidth: Int
    public let attentionV: Linear
    public let attentionU: Linear
    public let attentionW: Linear
    private let tanh = Tanh()
    private let gate = Sigmoid()
    private var cache: (rows: Tensor, weights: Tensor, shape: [Int], content: Tensor, gate: Tensor)?

    /// - Parameters: `inputWidth` D, `hiddenWidth` L.
    public init(inputWidth: Int, hiddenWidth: Int, generator: inout SeededGenerator) {
        self.inputWidth = inputWidth
        self.hiddenWidth = hiddenWidth
        attentionV = Linear(inputFeatures: inputWidth, outputFeatures: hiddenWidth, generator: &generator)
        attentionU = Linear(inputFeatures: inputWidth, outputFeatures: hiddenWidth, generator: &generator)
        attentionW = Linear(inputFeatures: hiddenWidth, outputFeatures: 1, generator: &generator)
    }

    public var outputWidth: Int { inputWidth }

    public var namedParameters: [(name: String, parameter: Parameter)] {
        prefixed("attention_v", attentionV.namedParameters) + prefixed("attention_u", attentionU.namedParameters)
            + prefixed("attention_w", attentionW.namedParameters)
    }

    public func forward(_ batch: BagBatch, mode: Mode) -> PoolingOutput {
        precondition(batch.featureWidth == inputWidth, "GatedAttentionPooling expects \(inputWidth)-wide features, got \(batch.featureWidth)")
        let rows = batch.zeroPaddedRows()
        let content = tanh.forward(attentionV.forward(rows, mode: mode), mode: mode)
        let gates = gate.forward(attentionU.forward(rows, mode: mode), mode: mode)
        let scores = attentionW.forward(content * gates, mode: mode)
        let weights = AttentionReadout.weights(scores: scores.storage, mask: batch.mask, bags: batch.bagCount, maxInstances: batch.maxInstances)
        cache = mode == .training ? (rows, weights, batch.features.shape, content, gates) : nil
        return PoolingOutput(pooled: AttentionReadout.pool(rows: rows, weights: weights), instanceWeights: weights)
    }

    public func backward(_ pooledGradient: Tensor) -> Tensor {
        guard let cache else { preconditionFailure("GatedAttentionPooling.backward called without a training-mode forward") }
        let (scoreGradient, direct) = AttentionReadout.backward(pooledGradient: pooledGradient, rows: cache.rows, weights: cache.weights)
        let productGradient = attentionW.backward(Tensor(shape: [scoreGradient.count, 1], storage: scoreGradient))
        var rowGradient = attentionV.backward(tanh.backward(productGradient * cache.gate))
        rowGradient.add(attentionU.backward(gate.backward(productGradient * cache.content)))
        rowGradient.add(direct)
        return rowGradient.reshaped(cache.shape)
    }
}
