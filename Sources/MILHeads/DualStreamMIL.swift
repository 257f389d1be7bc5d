import Foundation
import MIL
import NN
import Tensor

/// DSMIL (Li, Li & Eliceiri 2021, "Dual-stream multiple instance learning network for whole slide
/// image classification with self-supervised contrastive learning"): a max-instance stream and a
/// critical-instance attention stream, per class.
///
/// For instance features x_i ∈ ℝ^D and class c:
/// - max stream: instance logits y_ic = (W_inst x_i + b_inst)_c; m_c = argmax_i y_ic over the
///   bag's real instances (first on ties); max logit ŷ_c = y_{m_c c};
/// - attention stream: q_i = W_q x_i + b_q ∈ ℝ^A; a_ic = softmax_i(q_iᵀ q_{m_c} / √A) over the real
///   instances; z_c = Σ_i a_ic x_i (values are the features themselves, torchmil's default);
///   bag logit_c = W_bag [z_1; …; z_C] + b_bag (a Linear over the concatenated class embeddings,
///   DSMIL's Conv1d(C, C, D) flattened; for C = 1 exactly torchmil's `Linear(D, 1)`).
/// - `logits` = ½(bag logit + max logit), what DSMIL and torchmil's `predict` report.
/// Gradients flow through q_{m_c} as well as every q_i; not through the argmax itself.
/// Only real instances compete for m_c (torchmil 1.0.2 takes the argmax over padded rows too, so
/// its padded batches can differ; unpadded bags agree).
///
/// Parameters, named as torchmil's `DSMIL(nonlinear_q=False, nonlinear_v=False)`:
/// `q_nn.*` [A, D], `inst_classifier.*` [C, D], `bag_classifier.*` [C, C·D].
/// torchmil 1.0.2 supports C = 1 only; C > 1 follows the DSMIL paper. Cost: 2·B·Nmax·D·(A + 2C) flops.
public final class DualStreamMIL: BagHead {
    public let inputWidth: Int
    public let classCount: Int
    public let query: Linear
    public let instanceClassifier: Linear
    public let bagClassifier: Linear
    private var cache: Cache?

    /// The two streams' logits of the last forward, [B, C] each.
    public private(set) var lastStreams: (bag: Tensor, max: Tensor)?

    private struct Cache {
        let shape: [Int]
        let rows: Tensor          // [B·N, D], padded rows zero
        let queries: Tensor       // [B·N, A]
        let critical: [Int]       // B·C instance indices m_c
        let weights: [Tensor]     // C × [B, N]
    }

    /// - Parameters: `inputWidth` D, `queryWidth` A (torchmil's `att_dim`, default 128),
    ///   `classCount` C ≥ 1; weights drawn from `generator`.
    public init(inputWidth: Int, queryWidth: Int, classCount: Int, generator: inout SeededGenerator) {
        precondition(classCount >= 1, "DSMIL needs at least one class logit")
        self.inputWidth = inputWidth
        self.classCount = classCount
        query = Linear(inputFeatures: inputWidth, outputFeatures: queryWidth, generator: &generator)
        instanceClassifier = Linear(inputFeatures: inputWidth, outputFeatures: classCount, generator: &generator)
        bagClassifier = Linear(inputFeatures: classCount * inputWidth, outputFeatures: classCount, generator: &generator)
    }

    public var namedParameters: [(name: String, parameter: Parameter)] {
        prefixed("q_nn", query.namedParameters) + prefixed("inst_classifier", instanceClassifier.namedParameters)
            + prefixed("bag_classifier", bagClassifier.namedParameters)
    }

    public func forward(_ batch: BagBatch, mode: Mode) -> BagHeadOutput {
        precondition(batch.featureWidth == inputWidth, "DSMIL expects \(inputWidth)-wide features, got \(batch.featureWidth)")
        let bags = batch.bagCount, n = batch.maxInstances, d = inputWidth, c = classCount
        let rows = batch.zeroPaddedRows()
        let instanceLogits = instanceClassifier.forward(rows, mode: mode)   // [B·N, C]
        let queries = query.forward(rows, mode: mode)                      // [B·N, A]
        let a = query.outputFeatures
        let scale = 1 / Float(a).squareRoot()
        var critical = [Int](repeating: 0, count: bags * c)
        var maxLogits = Tensor(shape: [bags, c])
        var embeddings = Tensor(shape: [bags, c * d])
        var allWeights = Tensor(shape: [bags, c, n])
        var weights: [Tensor] = []
        for k in 0..<c {
            var scores = [Float](repeating: 0, count: bags * n)
            for b in 0..<bags {
                var best = -1
                for i in 0..<n where batch.mask[b * n + i] {
                    if best < 0 || instanceLogits.storage[(b * n + i) * c + k] > instanceLogits.storage[(b * n + best) * c + k] { best = i }
                }
                critical[b * c + k] = best
                maxLogits.storage[b * c + k] = instanceLogits.storage[(b * n + best) * c + k]
                let qm = (b * n + best) * a
                for i in 0..<n where batch.mask[b * n + i] {
                    var dot: Float = 0
                    for j in 0..<a { dot += queries.storage[(b * n + i) * a + j] * queries.storage[qm + j] }
                    scores[b * n + i] = dot * scale
                }
            }
            let w = AttentionReadout.weights(scores: scores, mask: batch.mask, bags: bags, maxInstances: n)
            let z = AttentionReadout.pool(rows: rows, weights: w)
            for b in 0..<bags {
                for j in 0..<d { embeddings.storage[b * c * d + k * d + j] = z.storage[b * d + j] }
                for i in 0..<n { allWeights.storage[(b * c + k) * n + i] = w.storage[b * n + i] }
            }
            weights.append(w)
        }
        let bagLogits = bagClassifier.forward(embeddings, mode: mode)
        lastStreams = (bagLogits, maxLogits)
        cache = mode == .training ? Cache(shape: batch.features.shape, rows: rows, queries: queries, critical: critical, weights: weights) : nil
        return BagHeadOutput(logits: (bagLogits + maxLogits) * 0.5, instanceWeights: allWeights)
    }

    /// Backward of the reported logits ½(bag + max).
    public func backward(_ logitGradient: Tensor) -> Tensor {
        backward(bagStream: logitGradient * 0.5, maxStream: logitGradient * 0.5)
    }

    /// Backward with separate gradients for the two streams' logits [B, C], for DSMIL's training
    /// loss ℓ(bag logit) + ℓ(max logit).
    public func backward(bagStream: Tensor, maxStream: Tensor) -> Tensor {
        guard let cache else { preconditionFailure("DualStreamMIL.backward called without a training-mode forward") }
        let bags = cache.shape[0], n = cache.shape[1], d = inputWidth, c = classCount, a = query.outputFeatures
        let scale = 1 / Float(a).squareRoot()
        let embeddingGradient = bagClassifier.backward(bagStream)   // [B, C·D]
        var rowGradient = Tensor(shape: cache.rows.shape)
        var queryGradient = Tensor(shape: cache.queries.shape)
        var instanceLogitGradient = Tensor(shape: [bags * n, c])
        for k in 0..<c {
            var g = Tensor(shape: [bags, d])
            for b in 0..<bags {
                for j in 0..<d { g.storage[b * d + j] = embeddingGradient.storage[b * c * d + k * d + j] }
            }
            let (scores, direct) = AttentionReadout.backward(pooledGradient: g, rows: cache.rows, weights: cache.weights[k])
            rowGradient.add(direct)
            for b in 0..<bags {
                let m = cache.critical[b * c + k]
                instanceLogitGradient.storage[(b * n + m) * c + k] += maxStream.storage[b * c + k]
                // s_i = q_i·q_m·scale: dq_i += ds_i·q_m·scale, dq_m += Σ_i ds_i·q_i·scale.
                for i in 0..<n {
                    let ds = scores[b * n + i] * scale
                    if ds == 0 { continue }
                    for j in 0..<a {
                        queryGradient.storage[(b * n + i) * a + j] += ds * cache.queries.storage[(b * n + m) * a + j]
                        queryGradient.storage[(b * n + m) * a + j] += ds * cache.queries.storage[(b * n + i) * a + j]
                    }
                }
            }
        }
        rowGradient.add(query.backward(queryGradient))
        rowGradient.add(instanceClassifier.backward(instanceLogitGradient))
        return rowGradient.reshaped(cache.shape)
    }
}

extension DualStreamMIL {
    /// DSMIL's training loss ℓ(bag stream) + ℓ(max-instance stream), as its paper and torchmil;
    /// the reported logits ½(bag + max) are what validation and prediction use.
    /// - Precondition: no instance term.
    public func trainingPass(_ batch: BagBatch, loss: (Tensor) -> LossValue, instanceTerm: InstanceTerm?, share: GradientShare) -> Float {
        precondition(instanceTerm == nil, "the instance loss needs a CLAMMultiBranch head")
        _ = forward(batch, mode: .training)
        guard let streams = lastStreams else { preconditionFailure("DualStreamMIL's training forward keeps its streams") }
        let bagLoss = loss(streams.bag), maxLoss = loss(streams.max)
        _ = backward(bagStream: share.scale(bagLoss.gradient, by: 1), maxStream: share.scale(maxLoss.gradient, by: 1))
        return bagLoss.value + maxLoss.value
    }
}
