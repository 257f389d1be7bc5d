import Foundation
import Tensor

/// The step every attention-style head shares: a softmax of per-instance scores over each bag's
/// real instances, then the weighted sum of the instance features.
///
/// w_bi = exp(s_bi − max_j s_bj) / Σ_j exp(s_bj − max_j s_bj) over real j, 0 at padding;
/// pooled_b = Σ_i w_bi · x_bi. O(B·Nmax·D) time, O(B·Nmax) extra memory.
public enum AttentionReadout {
    /// Masked softmax of [B·Nmax] scores into a [B, Nmax] weight tensor.
    public static func weights(scores: [Float], mask: [Bool], bags: Int, maxInstances n: Int) -> Tensor {
        var w = Tensor(shape: [bags, n])
        for b in 0..<bags {
            var top = -Float.infinity
            for i in 0..<n where mask[b * n + i] { top = max(top, scores[b * n + i]) }
            var total: Float = 0
            for i in 0..<n where mask[b * n + i] {
                let e = expf(scores[b * n + i] - top)
                w.storage[b * n + i] = e
                total += e
            }
            for i in 0..<n { w.storage[b * n + i] /= total }
        }
        return w
    }

    /// Weighted sums of rows: pooled_b = Σ_i w_bi · rows[b·Nmax + i], as [B, D].
    public static func pool(rows: Tensor, weights w: Tensor) -> Tensor {
        let bags = w.shape[0], n = w.shape[1], d = rows.shape[1]
        var pooled = Tensor(shape: [bags, d])
        for b in 0..<bags {
            for i in 0..<n {
                let weight = w.storage[b * n + i]
                if weight == 0 { continue }
                let base = (b * n + i) * d
                for j in 0..<d { pooled.storage[b * d + j] += weight * rows.storage[base + j] }
            }
        }
        return pooled
    }

    /// Backward of `pool` and `weights`: returns dScores [B·Nmax] (0 at padding) and the direct
    /// gradient of the rows, w_bi · dPooled_b, as [B·Nmax, D].
    public static func backward(pooledGradient g: Tensor, rows: Tensor, weights w: Tensor) -> (scores: [Float], rows: Tensor) {
        let bags = w.shape[0], n = w.shape[1], d = rows.shape[1]
        var scoreGradient = [Float](repeating: 0, count: bags * n)
        var rowGradient = Tensor(shape: rows.shape)
        for b in 0..<bags {
            // dw_bi = g_b · x_bi; softmax backward ds_bi = w_bi (dw_bi − Σ_j w_bj dw_bj).
            var weightGradient = [Float](repeating: 0, count: n)
            var expected: Float = 0
            for i in 0..<n {
                let weight = w.storage[b * n + i]
                if weight == 0 { continue }
                let base = (b * n + i) * d
                var dot: Float = 0
                for j in 0..<d {
                    dot += g.storage[b * d + j] * rows.storage[base + j]
                    rowGradient.storage[base + j] = weight * g.storage[b * d + j]
                }
                weightGradient[i] = dot
                expected += weight * dot
            }
            for i in 0..<n {
                scoreGradient[b * n + i] = w.storage[b * n + i] * (weightGradient[i] - expected)
            }
        }
        return (scoreGradient, rowGradient)
    }
}
