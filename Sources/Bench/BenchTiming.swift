import Foundation
import Tensor

/// The timing every benchmark shares.
enum BenchTiming {
    /// Seconds of the fastest of `repetitions` runs after one warm-up run. The fastest run, not the
    /// mean, because other processes on a shared machine only ever add time.
    static func fastest(_ repetitions: Int, _ body: () -> Void) -> Double {
        body()
        var best = Double.infinity
        for _ in 0..<max(1, repetitions) {
            let start = DispatchTime.now().uptimeNanoseconds
            body()
            best = min(best, Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9)
        }
        return best
    }

    /// GFLOP/s of a square `n`³ single-precision gemm through BLAS, the fastest of `repetitions`
    /// runs: the practical peak the figures are compared with.
    static func sgemmPeak(size n: Int, repetitions: Int) -> Double {
        var generator = SeededGenerator(seed: 3)
        let a = Tensor.uniform([n, n], in: -1, 1, generator: &generator)
        let b = Tensor.uniform([n, n], in: -1, 1, generator: &generator)
        var c = [Float](repeating: 0, count: n * n)
        let seconds = fastest(repetitions) {
            a.withUnsafeBufferPointer { a in
                b.withUnsafeBufferPointer { b in
                    c.withUnsafeMutableBufferPointer { c in
                        BLAS.gemm(m: n, n: n, k: n, a: a.baseAddress!, lda: n, b: b.baseAddress!, ldb: n, c: c.baseAddress!, ldc: n)
                    }
                }
            }
        }
        return 2 * pow(Double(n), 3) / seconds / 1e9
    }
}
