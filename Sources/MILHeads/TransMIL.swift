import Foundation
import MIL
import NN
import Tensor

/// TransMIL (Shao et al. 2021, "TransMIL: Transformer based correlated multiple instance
/// learning for whole slide image classification"), as torchmil's `TransMIL` with its defaults
/// (no MLP blocks, no dropout).
///
/// Per bag of n real instances x_i ∈ ℝ^D: h = fc1(x) ∈ ℝ^{n×E} (omitted when D = E); the tokens
/// are h followed by its first P² − n rows again (P = ⌈√n⌉), after a learned class token; then
/// X ← X + NyströmAttention(LayerNorm(X)) (`layers.0`), PPEG on the P×P grid, the same
/// residual attention for `layers.1` … `layers.L−1`, a final LayerNorm, and `classifier` on
/// the class token gives C logits. Every bag runs on its own real instances, so padding never
/// enters; the Nyström pseudo-inverse is normalised per bag (torchmil normalises over the whole
/// batch, so its results for one bag depend on the others; with one bag per batch they agree).
///
/// The head is NOT permutation invariant: PPEG and the repeat-padding see instance order (as in
/// the paper). Instance weights: the class token's row of the last layer's approximate
/// attention matrix, averaged over heads, at the n instance tokens (torchmil's `return_att`);
/// they need not be positive nor sum exactly to 1.
///
/// Parameter names are torchmil's: `cls_token` [1, 1, E], `fc1.*` [E, D], `pos_layer.proj*.*`,
/// `layers.<l>.att_module.qkv_nn.weight` [3E, E], `layers.<l>.norm1.*`, `layers.<l>.norm2.*`
/// (kept so torchmil checkpoints load; unused without MLP blocks, their gradient stays 0),
/// `norm.*`, `classifier.*` [C, E]. torchmil 1.0.2 has C = 1.
public final class TransMIL: BagHead {
    public let inputWidth: Int
    public let classCount: Int
    /// Token width E.
    public let width: Int
    let classToken: Parameter
    let projection: Linear?
    let attentions: [NystromSelfAttention]
    let norms: [TransMILLayerNorm]
    let unusedNorms: [TransMILLayerNorm]
    let positionEncoding: PyramidPositionEncoding
    let finalNorm: TransMILLayerNorm
    let classifier: Linear
    private var traces: (shape: [Int], bags: [Trace])?

    private struct Trace {
        let instances: [Int]
        let side: Int
        let projectionInput: Tensor
        let layerCaches: [(norm: TransMILLayerNorm.Cache, attention: NystromSelfAttention.Cache)]
        let encodingInput: Tensor
        let finalNorm: TransMILLayerNorm.Cache
        let classRow: Tensor
    }

    /// - Parameters: `inputWidth` D, `width` E (torchmil's `att_dim`, default 512, divisible by
    ///   `heads`), `layers` ≥ 2, `heads` (4), `landmarks` (torchmil: E/2), pseudo-inverse
    ///   `iterations` (6), `classCount` C ≥ 1.
    public init(inputWidth: Int, width: Int, layers: Int = 2, heads: Int = 4, landmarks: Int? = nil, iterations: Int = 6,
                classCount: Int = 1, generator: inout SeededGenerator) {
        precondition(layers >= 2, "TransMIL needs at least two transformer layers")
        self.inputWidth = inputWidth
        self.classCount = classCount
        self.width = width
        projection = inputWidth == width ? nil : Linear(inputFeatures: inputWidth, outputFeatures: width, generator: &generator)
        positionEncoding = PyramidPositionEncoding(width: width, generator: &generator)
        classToken = Parameter(Tensor.normal([1, 1, width], generator: &generator))
        attentions = (0..<layers).map { _ in
            NystromSelfAttention(width: width, heads: heads, landmarks: landmarks ?? width / 2, iterations: iterations, generator: &generator)
        }
        norms = (0..<layers).map { _ in TransMILLayerNorm(width: width) }
        unusedNorms = (0..<layers).map { _ in TransMILLayerNorm(width: width) }
        finalNorm = TransMILLayerNorm(width: width)
        classifier = Linear(inputFeatures: width, outputFeatures: classCount, generator: &generator)
    }

    public var namedParameters: [(name: String, parameter: Parameter)] {
        var result: [(name: String, parameter: Parameter)] = [(name: "cls_token", parameter: classToken)]
        if let projection { result += prefixed("fc1", projection.namedParameters) }
        result += prefixed("pos_layer", positionEncoding.namedParameters)
        for l in attentions.indices {
            result += prefixed("layers.\(l).att_module", attentions[l].namedParameters)
            result += prefixed("layers.\(l).norm1", norms[l].namedParameters) + prefixed("layers.\(l).norm2", unusedNorms[l].namedParameters)
        }
        return result + prefixed("norm", finalNorm.namedParameters) + prefixed("classifier", classifier.namedParameters)
    }

    public func forward(_ batch: BagBatch, mode: Mode) -> BagHeadOutput {
        precondition(batch.featureWidth == inputWidth, "TransMIL expects \(inputWidth)-wide features, got \(batch.featureWidth)")
        let bags = batch.bagCount, n = batch.maxInstances, d = inputWidth, e = width
        var logits = Tensor(shape: [bags, classCount])
        var weights = Tensor(shape: [bags, 1, n])
        var traces: [Trace] = []
        for b in 0..<bags {
            let instances = (0..<n).filter { batch.mask[b * n + $0] }
            var rows = [Float](); rows.reserveCapacity(instances.count * d)
            for i in instances { rows += batch.features.storage[((b * n + i) * d)..<((b * n + i + 1) * d)] }
            let input = Tensor(shape: [instances.count, d], storage: rows)
            let h = projection?.forward(input, mode: .inference) ?? input
            let side = Int(Double(instances.count).squareRoot().rounded(.up))
            var tokens = classToken.value.storage + h.storage
            tokens += h.storage[0..<((side * side - instances.count) * e)]
            var x = Tensor(shape: [1 + side * side, e], storage: tokens)
            var caches: [(norm: TransMILLayerNorm.Cache, attention: NystromSelfAttention.Cache)] = []
            var encodingInput = x
            for l in attentions.indices {
                if l == 1 {
                    encodingInput = x
                    x = positionEncoding.forward(x, side: side)
                }
                let (normalised, normCache) = norms[l].forward(x)
                let last = l == attentions.count - 1
                let (attended, attentionCache, attention) = attentions[l].forward(normalised, attentionRow: last ? 0 : nil)
                x.add(attended)
                caches.append((normCache, attentionCache))
                if let attention {
                    for (position, i) in instances.enumerated() { weights.storage[b * n + i] = attention[1 + position] }
                }
            }
            let (normalised, finalCache) = finalNorm.forward(x)
            let classRow = Tensor(shape: [1, e], storage: Array(normalised.storage[0..<e]))
            let logit = classifier.forward(classRow, mode: .inference)
            for c in 0..<classCount { logits.storage[b * classCount + c] = logit.storage[c] }
            traces.append(Trace(instances: instances, side: side, projectionInput: input, layerCaches: caches,
                                encodingInput: encodingInput, finalNorm: finalCache, classRow: classRow))
        }
        self.traces = mode == .training ? (batch.features.shape, traces) : nil
        return BagHeadOutput(logits: logits, instanceWeights: weights)
    }

    public func backward(_ logitGradient: Tensor) -> Tensor {
        guard let traces else { preconditionFailure("TransMIL.backward called without a training-mode forward") }
        let e = width, d = inputWidth, maxInstances = traces.shape[1]
        var inputGradient = Tensor(shape: traces.shape)
        for (b, trace) in traces.bags.enumerated() {
            let g = Tensor(shape: [1, classCount], storage: Array(logitGradient.storage[(b * classCount)..<((b + 1) * classCount)]))
            classifier.weight.gradient.add(g.matmul(trace.classRow, transposeSelf: true))
            classifier.bias?.gradient.add(g.sum(alongAxis: 0))
            let tokenCount = 1 + trace.side * trace.side
            var dNormalised = Tensor(shape: [tokenCount, e])
            let dClass = g.matmul(classifier.weight.value)
            for j in 0..<e { dNormalised.storage[j] = dClass.storage[j] }
            var dx = finalNorm.backward(dNormalised, cache: trace.finalNorm)
            for l in attentions.indices.reversed() {
                let (normCache, attentionCache) = trace.layerCaches[l]
                dx.add(norms[l].backward(attentions[l].backward(dx, cache: attentionCache), cache: normCache))
                if l == 1 { dx = positionEncoding.backward(dx, tokens: trace.encodingInput, side: trace.side) }
            }
            for j in 0..<e { classToken.gradient.storage[j] += dx.storage[j] }
            let count = trace.instances.count
            var dh = Tensor(shape: [count, e], storage: Array(dx.storage[e..<((1 + count) * e)]))
            for r in 0..<(trace.side * trace.side - count) {
                for j in 0..<e { dh.storage[r * e + j] += dx.storage[(1 + count + r) * e + j] }
            }
            var dInput = dh
            if let projection {
                projection.weight.gradient.add(dh.matmul(trace.projectionInput, transposeSelf: true))
                projection.bias?.gradient.add(dh.sum(alongAxis: 0))
                dInput = dh.matmul(projection.weight.value)
            }
            for (position, i) in trace.instances.enumerated() {
                for j in 0..<d { inputGradient.storage[(b * maxInstances + i) * d + j] = dInput.storage[position * d + j] }
            }
        }
        return inputGradient
    }
}
