import Tensor

/// Attentional pooling of a token sequence by one learned query, as the contrastive pooler of a
/// CoCa image tower (open_clip's `AttentionalPooler` with `n_queries=1`, used by CONCH):
/// `attn(ln_q(query), ln_k(x), ln_k(x))`, a `torch.nn.MultiheadAttention` whose keys and values
/// come from tokens of another width (`kdim = vdim = tokenWidth`), then its output projection.
///
/// The query does not depend on the image, so its normalisation and projection are done once,
/// here; per image only the keys and values are projected (one gemm over every token of the
/// batch) and each head's scores are a dot product per token.
public struct AttentionalPooler: Sendable {
    /// Width of the pooled output (`d_model`).
    public let width: Int
    /// Width of the pooled tokens (`kdim`, `vdim`).
    public let tokenWidth: Int
    /// Attention heads; `width` is a multiple of it.
    public let heads: Int
    /// `ln_k`, applied to the tokens.
    public let keyNorm: LayerNorm
    /// Keys then values, [2·width, tokenWidth] (`k_proj_weight`, `v_proj_weight` and their halves
    /// of `in_proj_bias`), one gemm.
    public let keyValue: TokenLinear
    /// `out_proj`.
    public let output: TokenLinear
    /// The projected query `(ln_q(query) · q_projᵀ + b_q) / √headWidth`.
    let scaledQuery: [Float]

    /// Width of one head.
    public var headWidth: Int { width / heads }

    /// A pooler from the tensors of a `MultiheadAttention(width, heads, kdim: tokenWidth,
    /// vdim: tokenWidth)` and its two norms.
    /// - Parameters:
    ///   - query: the learned query, `width` values.
    ///   - queryNorm: `ln_q`, of `width`.
    ///   - keyNorm: `ln_k`, of `tokenWidth`.
    ///   - queryWeight: `q_proj_weight`, [width, width].
    ///   - keyWeight: `k_proj_weight`, [width, tokenWidth].
    ///   - valueWeight: `v_proj_weight`, [width, tokenWidth].
    ///   - inputBias: `in_proj_bias`, 3·width (query, key, value).
    ///   - output: `out_proj`, width → width.
    /// - Precondition: the shapes above, and `heads` divides `width`.
    public init(heads: Int, query: [Float], queryNorm: LayerNorm, keyNorm: LayerNorm, queryWeight: Tensor,
                keyWeight: Tensor, valueWeight: Tensor, inputBias: [Float], output: TokenLinear) {
        let width = output.outputWidth, tokenWidth = keyNorm.width
        precondition(heads > 0 && width % heads == 0, "\(heads) heads do not divide width \(width)")
        precondition(query.count == width && queryNorm.width == width && output.inputWidth == width, "query, ln_q and out_proj must be \(width) wide")
        precondition(queryWeight.shape == [width, width], "q_proj_weight must be [\(width), \(width)]")
        precondition(keyWeight.shape == [width, tokenWidth] && valueWeight.shape == [width, tokenWidth],
                     "k_proj_weight and v_proj_weight must be [\(width), \(tokenWidth)]")
        precondition(inputBias.count == 3 * width, "in_proj_bias must have \(3 * width) values")
        self.width = width
        self.tokenWidth = tokenWidth
        self.heads = heads
        self.keyNorm = keyNorm
        self.output = output
        keyValue = TokenLinear(weight: Tensor(shape: [2 * width, tokenWidth], storage: keyWeight.storage + valueWeight.storage),
                               bias: Tensor(shape: [2 * width], storage: Array(inputBias[width...])))
        let normalised = queryNorm.applied(to: Tensor(shape: [1, width], storage: query))
        let projection = TokenLinear(weight: queryWeight, bias: Tensor(shape: [width], storage: Array(inputBias[..<width])))
        var projected = [Float](repeating: 0, count: width)
        normalised.withUnsafeBufferPointer { source in
            projected.withUnsafeMutableBufferPointer { target in
                projection.apply(source.baseAddress!, inputStride: width, rows: 1, into: target.baseAddress!, outputStride: width, workers: 1)
            }
        }
        let scale = 1 / Float(width / heads).squareRoot()
        scaledQuery = projected.map { $0 * scale }
    }

    /// Pools each of `batch` sequences of `tokens` rows of `input` ([batch·tokens, tokenWidth])
    /// into one row of `pooled` ([batch, width]).
    /// - Parameters:
    ///   - normalised: scratch of batch·tokens·tokenWidth.
    ///   - keysAndValues: scratch of batch·tokens·2·width.
    ///   - context: scratch of batch·width.
    public func apply(_ input: UnsafePointer<Float>, batch: Int, tokens: Int, normalised: UnsafeMutablePointer<Float>,
                      keysAndValues: UnsafeMutablePointer<Float>, context: UnsafeMutablePointer<Float>,
                      into pooled: UnsafeMutablePointer<Float>, workers: Int) {
        let rows = batch * tokens
        guard rows > 0 else { return }
        let width = width, heads = heads, headWidth = headWidth, stride = 2 * width
        keyNorm.apply(input, into: normalised, rows: rows, workers: workers)
        keyValue.apply(normalised, inputStride: tokenWidth, rows: rows, into: keysAndValues, outputStride: stride, workers: workers)
        let kv = UnsafePointer(keysAndValues)
        scaledQuery.withUnsafeBufferPointer { query in
            let query = query.baseAddress!
            ParallelFor.run(batch, workers: workers) { range in
                var weights = [Float](repeating: 0, count: tokens)
                weights.withUnsafeMutableBufferPointer { weights in
                    let weights = weights.baseAddress!
                    for image in range {
                        let first = kv + image * tokens * stride
                        for head in 0..<heads {
                            let offset = head * headWidth
                            for token in 0..<tokens {
                                let key = first + token * stride + offset
                                var dot: Float = 0
                                for j in 0..<headWidth { dot += query[offset + j] * key[j] }
                                weights[token] = dot
                            }
                            RowSoftmax.apply(weights, rows: 1, columns: tokens, stride: tokens)
                            let target = context + image * width + offset
                            for j in 0..<headWidth { target[j] = 0 }
                            for token in 0..<tokens {
                                let value = first + token * stride + width + offset, weight = weights[token]
                                for j in 0..<headWidth { target[j] += weight * value[j] }
                            }
                        }
                    }
                }
            }
        }
        output.apply(context, inputStride: width, rows: batch, into: pooled, outputStride: width, workers: workers)
    }
}
