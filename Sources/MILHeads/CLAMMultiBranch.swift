import MIL
import NN
import Tensor

/// CLAM-MB (Lu et al. 2021, "Data-efficient and weakly supervised computational pathology on
/// whole-slide images"): a shared instance embedding, gated attention with one attention branch
/// per class, one bag embedding per class and one single-logit classifier per class.
///
/// For instance features x_i ∈ ℝ^D: h_i = Dropout(ReLU(W_fc x_i + b_fc)) ∈ ℝ^E;
/// s_ic = (W_c (tanh(W_a h_i + b_a) ⊙ σ(W_b h_i + b_b)) + b_c)_c; A_c = softmax_i(s_ic) over the
/// bag's real instances; M_c = Σ_i A_ic h_i; logit_c = w_cᵀ M_c + β_c. The instance weights are
/// A (one row per class). CLAM's defaults: E = 512, L = 256 ("small"), k = 8.
///
/// Parameter names are those of CLAM's `CLAM_MB(gate=True).state_dict()`, so its checkpoints load
/// directly: `attention_net.0.*` [E, D] (the embedding), `attention_net.3.attention_a.0.*` [L, E],
/// `attention_net.3.attention_b.0.*` [L, E], `attention_net.3.attention_c.*` [C, L],
/// `classifiers.<c>.*` [1, E] and `instance_classifiers.<c>.*` [2, E] (used by `instanceLoss`).
/// Dropout applies to the embedding only (CLAM also drops out inside the attention branches
/// when its dropout flag is set; with dropout 0, the inference case, the two are identical).
/// Cost: 2·B·Nmax·(D·E + 2·E·L + L·C) flops forward.
public final class CLAMMultiBranch: BagHead {
    public let inputWidth: Int
    public let classCount: Int
    public let embedding: Linear
    public let attentionA: Linear
    public let attentionB: Linear
    public let attentionC: Linear
    public let classifiers: [Linear]
    public let instanceClassifiers: [Linear]
    private let relu = ReLU()
    private let dropout: Dropout
    private let tanh = Tanh()
    private let gate = Sigmoid()
    private var cache: Cache?

    /// The last training-mode forward's instance embeddings, weights and mask (for `instanceLoss`).
    var trainingState: (embedded: Tensor, weights: [Tensor], mask: [Bool])? {
        cache.map { ($0.embedded, $0.weights, $0.mask) }
    }

    private struct Cache {
        let shape: [Int]
        let mask: [Bool]
        let embedded: Tensor      // [B·N, E]
        let weights: [Tensor]     // C × [B, N]
        let content: Tensor, gates: Tensor
    }

    /// - Parameters: `inputWidth` D, `embeddingWidth` E, `attentionWidth` L, `classCount` C ≥ 2,
    ///   dropout probability of the embedding; weights drawn from `generator`.
    public init(inputWidth: Int, embeddingWidth: Int, attentionWidth: Int, classCount: Int, dropout probability: Float,
                generator: inout SeededGenerator) {
        precondition(classCount >= 2, "CLAM-MB needs at least two classes")
        self.inputWidth = inputWidth
        self.classCount = classCount
        embedding = Linear(inputFeatures: inputWidth, outputFeatures: embeddingWidth, generator: &generator)
        attentionA = Linear(inputFeatures: embeddingWidth, outputFeatures: attentionWidth, generator: &generator)
        attentionB = Linear(inputFeatures: embeddingWidth, outputFeatures: attentionWidth, generator: &generator)
        attentionC = Linear(inputFeatures: attentionWidth, outputFeatures: classCount, generator: &generator)
        classifiers = (0..<classCount).map { _ in Linear(inputFeatures: embeddingWidth, outputFeatures: 1, generator: &generator) }
        instanceClassifiers = (0..<classCount).map { _ in Linear(inputFeatures: embeddingWidth, outputFeatures: 2, generator: &generator) }
        dropout = Dropout(probability: probability, seed: generator.next())
    }

    /// Embedding width E.
    public var embeddingWidth: Int { embedding.outputFeatures }

    public var namedParameters: [(name: String, parameter: Parameter)] {
        var result = prefixed("attention_net.0", embedding.namedParameters)
            + prefixed("attention_net.3.attention_a.0", attentionA.namedParameters)
            + prefixed("attention_net.3.attention_b.0", attentionB.namedParameters)
            + prefixed("attention_net.3.attention_c", attentionC.namedParameters)
        for (c, classifier) in classifiers.enumerated() { result += prefixed("classifiers.\(c)", classifier.namedParameters) }
        for (c, classifier) in instanceClassifiers.enumerated() { result += prefixed("instance_classifiers.\(c)", classifier.namedParameters) }
        return result
    }

    public func forward(_ batch: BagBatch, mode: Mode) -> BagHeadOutput {
        precondition(batch.featureWidth == inputWidth, "CLAM-MB expects \(inputWidth)-wide features, got \(batch.featureWidth)")
        let bags = batch.bagCount, n = batch.maxInstances
        let h = dropout.forward(relu.forward(embedding.forward(batch.zeroPaddedRows(), mode: mode), mode: mode), mode: mode)
        let content = tanh.forward(attentionA.forward(h, mode: mode), mode: mode)
        let gates = gate.forward(attentionB.forward(h, mode: mode), mode: mode)
        let scores = attentionC.forward(content * gates, mode: mode)   // [B·N, C]
        var logits = Tensor(shape: [bags, classCount])
        var allWeights = Tensor(shape: [bags, classCount, n])
        var weights: [Tensor] = []
        for c in 0..<classCount {
            let column = (0..<(bags * n)).map { scores.storage[$0 * classCount + c] }
            let w = AttentionReadout.weights(scores: column, mask: batch.mask, bags: bags, maxInstances: n)
            let m = AttentionReadout.pool(rows: h, weights: w)
            let logit = classifiers[c].forward(m, mode: mode)
            for b in 0..<bags {
                logits.storage[b * classCount + c] = logit.storage[b]
                for i in 0..<n { allWeights.storage[(b * classCount + c) * n + i] = w.storage[b * n + i] }
            }
            weights.append(w)
        }
        cache = mode == .training
            ? Cache(shape: batch.features.shape, mask: batch.mask, embedded: h, weights: weights, content: content, gates: gates)
            : nil
        return BagHeadOutput(logits: logits, instanceWeights: allWeights)
    }

    public func backward(_ logitGradient: Tensor) -> Tensor {
        backward(logitGradient, embeddingGradient: nil)
    }

    /// Backward with an extra gradient on the instance embeddings h [B·Nmax, E], e.g. from
    /// `instanceLoss`.
    public func backward(_ logitGradient: Tensor, embeddingGradient: Tensor?) -> Tensor {
        guard let cache else { preconditionFailure("CLAMMultiBranch.backward called without a training-mode forward") }
        let bags = cache.shape[0], n = cache.shape[1]
        var hGradient = embeddingGradient ?? Tensor(shape: cache.embedded.shape)
        var scoreGradient = Tensor(shape: [bags * n, classCount])
        for c in 0..<classCount {
            let g = Tensor(shape: [bags, 1], storage: (0..<bags).map { logitGradient.storage[$0 * classCount + c] })
            let pooledGradient = classifiers[c].backward(g)
            let (scores, direct) = AttentionReadout.backward(pooledGradient: pooledGradient, rows: cache.embedded, weights: cache.weights[c])
            hGradient.add(direct)
            for row in 0..<(bags * n) { scoreGradient.storage[row * classCount + c] = scores[row] }
        }
        let productGradient = attentionC.backward(scoreGradient)
        hGradient.add(attentionA.backward(tanh.backward(productGradient * cache.gates)))
        hGradient.add(attentionB.backward(gate.backward(productGradient * cache.content)))
        // Padded rows of h hold ReLU(bias) but get zero weight, so their gradient is already zero
        // unless an extra embedding gradient put something there; clear it to keep the contract.
        for (row, real) in cache.mask.enumerated() where !real {
            for j in 0..<embeddingWidth { hGradient.storage[row * embeddingWidth + j] = 0 }
        }
        let inputGradient = embedding.backward(relu.backward(dropout.backward(hGradient)))
        return inputGradient.reshaped(cache.shape)
    }
}
