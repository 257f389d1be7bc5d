import Dispatch
import NN
import Tensor

/// Multi-head self-attention for inference with a fused query/key/value projection, as timm's
/// `Attention` (`qkv` Linear to 3·width laid out [3, heads, headWidth], scaled dot products
/// `softmax(q·kᵀ / √headWidth) · v` per head, heads concatenated, then `proj`).
///
/// The two projections run as one matmul over every token of the batch; the per-head products run
/// as small gemms, one (image, head) pair per thread with single-threaded OpenBLAS.
public struct MultiHeadSelfAttention: Sendable {
    /// Token width.
    public let width: Int
    /// Number of heads; `width` is a multiple of it.
    public let heads: Int
    /// The fused projection, [3·width, width] (`qkv.weight`, `qkv.bias`).
    public let qkv: TokenLinear
    /// The output projection, [width, width] (`proj.weight`, `proj.bias`), adding its product
    /// (times the block's LayerScale) to the residual stream.
    public let projection: TokenLinear

    /// Width of one head.
    public var headWidth: Int { width / heads }

    /// An attention layer from its projections.
    /// - Precondition: `qkv` maps width → 3·width, `projection` width → width with a residual
    ///   epilogue; heads divide width.
    public init(heads: Int, qkv: TokenLinear, projection: TokenLinear) {
        width = projection.outputWidth
        precondition(heads > 0 && width % heads == 0, "\(heads) heads do not divide width \(width)")
        precondition(qkv.inputWidth == width && qkv.outputWidth == 3 * width, "qkv must map \(width) to \(3 * width)")
        precondition(projection.inputWidth == width && projection.addsToResidual, "proj must map \(width) to \(width) onto the residual")
        self.heads = heads
        self.qkv = qkv
        self.projection = projection
    }

    /// Attends within each of `batch` sequences of `tokens` rows of `input` ([batch·tokens, width],
    /// already normalised) and adds `gamma ⊙ proj(attention)` to `residual` ([batch·tokens, width]).
    /// - Parameters:
    ///   - qkvBuffer: scratch of batch·tokens·3·width.
    ///   - context: scratch of batch·tokens·width (the concatenated heads).
    ///   - scores: scratch of workers·tokens·tokens.
    ///   - workers: threads; OpenBLAS is left at `workers` threads on return.
    public func apply(_ input: UnsafePointer<Float>, batch: Int, tokens: Int,
                      qkvBuffer: UnsafeMutablePointer<Float>, context: UnsafeMutablePointer<Float>,
                      scores: UnsafeMutablePointer<Float>, into residual: UnsafeMutablePointer<Float>, workers: Int) {
        let rows = batch * tokens
        guard rows > 0 else { return }
        let width = width, headWidth = headWidth, heads = heads
        qkv.apply(input, inputStride: width, rows: rows, into: qkvBuffer, outputStride: 3 * width, workers: workers)
        let pairs = batch * heads
        let threads = max(1, min(workers, pairs))
        let scale = 1 / Float(headWidth).squareRoot()
        BLAS.threadCount = 1
        let qkvBase = UnsafePointer(qkvBuffer)
        DispatchQueue.concurrentPerform(iterations: threads) { thread in
            let scratch = scores + thread * tokens * tokens
            for pair in (pairs * thread / threads)..<(pairs * (thread + 1) / threads) {
                let image = pair / heads, head = pair % heads
                let query = qkvBase + image * tokens * 3 * width + head * headWidth
                let key = query + width, value = query + 2 * width
                BLAS.gemm(transposeB: true, m: tokens, n: tokens, k: headWidth, alpha: scale,
                          a: query, lda: 3 * width, b: key, ldb: 3 * width, c: scratch, ldc: tokens)
                RowSoftmax.apply(scratch, rows: tokens, columns: tokens, stride: tokens)
                BLAS.gemm(m: tokens, n: headWidth, k: tokens, a: scratch, lda: tokens, b: value, ldb: 3 * width,
                          c: context + image * tokens * width + head * headWidth, ldc: width)
            }
        }
        BLAS.threadCount = workers
        projection.apply(context, inputStride: width, rows: rows, into: residual, outputStride: width, workers: workers)
    }
}
