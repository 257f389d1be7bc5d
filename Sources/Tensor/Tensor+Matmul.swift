extension Tensor {
    /// Matrix product of rank-2 tensors, `op(self) · op(other)`, on OpenBLAS.
    ///
    /// `self` is [m, k] (or [k, m] when `transposeSelf`), `other` is [k, n] (or [n, k]).
    /// Complexity: 2·m·n·k flops.
    public func matmul(_ other: Tensor, transposeSelf: Bool = false, transposeOther: Bool = false) -> Tensor {
        precondition(rank == 2 && other.rank == 2, "matmul needs rank-2 tensors, got \(shape) and \(other.shape)")
        let m = transposeSelf ? shape[1] : shape[0]
        let k = transposeSelf ? shape[0] : shape[1]
        let otherK = transposeOther ? other.shape[1] : other.shape[0]
        let n = transposeOther ? other.shape[0] : other.shape[1]
        precondition(k == otherK, "inner dimensions differ: \(shape) x \(other.shape)")
        var result = Tensor(shape: [m, n])
        storage.withUnsafeBufferPointer { a in
            other.storage.withUnsafeBufferPointer { b in
                result.storage.withUnsafeMutableBufferPointer { c in
                    BLAS.gemm(
                        transposeA: transposeSelf, transposeB: transposeOther, m: m, n: n, k: k,
                        a: a.baseAddress!, lda: shape[1], b: b.baseAddress!, ldb: other.shape[1],
                        c: c.baseAddress!, ldc: n)
                }
            }
        }
        return result
    }

    /// The transpose of a rank-2 tensor.
    public func transposed() -> Tensor {
        precondition(rank == 2, "transposed() needs a rank-2 tensor, got \(shape)")
        let rows = shape[0], columns = shape[1]
        var result = Tensor(shape: [columns, rows])
        for r in 0..<rows {
            for c in 0..<columns { result.storage[c * rows + r] = storage[r * columns + c] }
        }
        return result
    }
}
