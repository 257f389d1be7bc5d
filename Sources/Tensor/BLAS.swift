import CBLAS

/// Single-precision matrix products on OpenBLAS, row-major.
///
/// All matrices are dense row-major with explicit leading dimensions, so callers can multiply
/// sub-blocks of larger buffers without copying.
public enum BLAS {
    /// `C = alpha · op(A) · op(B) + beta · C`, with `op(A)` m×k, `op(B)` k×n and `C` m×n.
    ///
    /// Complexity: 2·m·n·k floating-point operations. Degenerate sizes (m, n or k = 0) are allowed;
    /// with k = 0, C is scaled by beta.
    @inlinable
    public static func gemm(
        transposeA: Bool = false, transposeB: Bool = false,
        m: Int, n: Int, k: Int,
        alpha: Float = 1,
        a: UnsafePointer<Float>, lda: Int,
        b: UnsafePointer<Float>, ldb: Int,
        beta: Float = 0,
        c: UnsafeMutablePointer<Float>, ldc: Int
    ) {
        guard m > 0, n > 0 else { return }
        cblas_sgemm(
            CblasRowMajor,
            transposeA ? CblasTrans : CblasNoTrans,
            transposeB ? CblasTrans : CblasNoTrans,
            Int32(m), Int32(n), Int32(k), alpha,
            a, Int32(lda), b, Int32(ldb), beta, c, Int32(ldc)
        )
    }

    /// Threads OpenBLAS uses inside one call. Setting it affects the whole process.
    public static var threadCount: Int {
        get { Int(openblas_get_num_threads()) }
        set { openblas_set_num_threads(Int32(max(1, newValue))) }
    }

    /// The CPU kernel family OpenBLAS selected, e.g. "Haswell", "SkylakeX" or "Prescott".
    public static var coreName: String {
        openblas_get_corename().map { String(cString: $0) } ?? "unknown"
    }
}
