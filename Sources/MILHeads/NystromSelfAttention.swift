import Foundation
import NN
import Tensor

/// Nyström-approximated multi-head self-attention (Xiong et al. 2021) on one sequence, as
/// torchmil's `NystromAttention` (learned q/k/v, no output projection) used by TransMIL.
///
/// The S tokens are zero-padded at the FRONT to a multiple of m landmarks (S' = m·l); the
/// padding rows take part in the softmaxes as torchmil's unmasked call does. Per head, with
/// q = x W_q · d_h^−½, k = x W_k, v = x W_v: landmarks q̃, k̃ are means over consecutive
/// blocks of l rows; A₁ = softmax(q k̃ᵀ), A₂ = softmax(q̃ k̃ᵀ), A₃ = softmax(q̃ kᵀ) (rows); Z ≈ A₂⁺
/// by `iterations` steps of z ← ¼ z (13I − A₂z(15I − A₂z(7I − A₂z))) from z₀ = A₂ᵀ / (max row
/// sum · max column sum), the maxima taken over all heads of the sequence; out = (A₁Z)(A₃v),
/// heads concatenated; the last S rows are returned.
///
/// Stateless between calls (`forward` returns the cache). Parameter `qkv_nn.weight` [3E, E].
/// Cost per sequence: O(S'·m·E + m³·H·iterations).
final class NystromSelfAttention {
    let width: Int
    let heads: Int
    let landmarks: Int
    let iterations: Int
    let qkv: Parameter

    struct HeadCache {
        let q: Tensor, k: Tensor, v: Tensor            // [S', dh] (q scaled)
        let qLandmarks: Tensor, kLandmarks: Tensor     // [m, dh]
        let attention1: Tensor, attention2: Tensor, attention3: Tensor
        let iterates: [Tensor]                          // z₀ … z_T
        let left: Tensor, right: Tensor                 // A₁Z [S', m], A₃v [m, dh]
    }

    struct Cache {
        let padded: Tensor                 // [S', E]
        let heads: [HeadCache]
        let rowNormaliser: (value: Float, head: Int, row: Int)
        let columnNormaliser: (value: Float, head: Int, column: Int)
    }

    /// - Parameters: `width` E (divisible by `heads`), `landmarks` m, pseudo-inverse `iterations`.
    init(width: Int, heads: Int, landmarks: Int, iterations: Int, generator: inout SeededGenerator) {
        precondition(width % heads == 0, "attention width \(width) is not divisible by \(heads) heads")
        self.width = width
        self.heads = heads
        self.landmarks = landmarks
        self.iterations = iterations
        qkv = Parameter(Initializers.defaultWeight([3 * width, width], generator: &generator))
    }

    var namedParameters: [(name: String, parameter: Parameter)] { [(name: "qkv_nn.weight", parameter: qkv)] }

    private var headWidth: Int { width / heads }

    /// Attention output [S, E] for tokens [S, E], and the cache for `backward`. When
    /// `attentionRow` is given, also the mean over heads of that row of the full approximate
    /// attention matrix A₁ZA₃, restricted to the S real columns (torchmil's `return_att`).
    func forward(_ x: Tensor, attentionRow: Int? = nil) -> (output: Tensor, cache: Cache, attention: [Float]?) {
        let s = x.shape[0], e = width, dh = headWidth, m = landmarks
        let l = (s + m - 1) / m, padding = m * l - s, total = m * l
        var padded = Tensor(shape: [total, e])
        padded.storage.replaceSubrange((padding * e)..<(total * e), with: x.storage)
        let projected = padded.matmul(qkv.value, transposeOther: true)   // [S', 3E]
        let scale = 1 / Float(dh).squareRoot()
        func slice(_ chunk: Int, _ h: Int, _ factor: Float) -> Tensor {
            var t = Tensor(shape: [total, dh])
            for r in 0..<total { for j in 0..<dh { t.storage[r * dh + j] = projected.storage[r * 3 * e + chunk * e + h * dh + j] * factor } }
            return t
        }
        var partial: [(q: Tensor, k: Tensor, v: Tensor, ql: Tensor, kl: Tensor, a1: Tensor, a2: Tensor, a3: Tensor)] = []
        var rowMax = (value: -Float.infinity, head: 0, row: 0), columnMax = (value: -Float.infinity, head: 0, column: 0)
        for h in 0..<heads {
            let q = slice(0, h, scale), k = slice(1, h, 1), v = slice(2, h, 1)
            let ql = Self.landmarkMeans(q, count: m), kl = Self.landmarkMeans(k, count: m)
            let a1 = Self.softmaxRows(q.matmul(kl, transposeOther: true))
            let a2 = Self.softmaxRows(ql.matmul(kl, transposeOther: true))
            let a3 = Self.softmaxRows(ql.matmul(k, transposeOther: true))
            for i in 0..<m {
                var rowSum: Float = 0, columnSum: Float = 0
                for j in 0..<m { rowSum += abs(a2.storage[i * m + j]); columnSum += abs(a2.storage[j * m + i]) }
                if rowSum > rowMax.value { rowMax = (rowSum, h, i) }
                if columnSum > columnMax.value { columnMax = (columnSum, h, i) }
            }
            partial.append((q, k, v, ql, kl, a1, a2, a3))
        }
        var output = Tensor(shape: [s, e])
        var headCaches: [HeadCache] = []
        var attention = attentionRow.map { _ in [Float](repeating: 0, count: s) }
        for h in 0..<heads {
            let p = partial[h]
            var z = p.a2.transposed() * (1 / (rowMax.value * columnMax.value))
            var iterates = [z]
            for _ in 0..<iterations {
                z = Self.pseudoinverseStep(p.a2, z)
                iterates.append(z)
            }
            let left = p.a1.matmul(z), right = p.a3.matmul(p.v)
            let out = left.matmul(right)
            for r in 0..<s { for j in 0..<dh { output.storage[r * e + h * dh + j] = out.storage[(padding + r) * dh + j] } }
            if let row = attentionRow {
                let full = Tensor(shape: [1, m], storage: Array(left.storage[((padding + row) * m)..<((padding + row + 1) * m)])).matmul(p.a3)
                for c in 0..<s { attention![c] += full.storage[padding + c] / Float(heads) }
            }
            headCaches.append(HeadCache(q: p.q, k: p.k, v: p.v, qLandmarks: p.ql, kLandmarks: p.kl, attention1: p.a1, attention2: p.a2,
                                        attention3: p.a3, iterates: iterates, left: left, right: right))
        }
        return (output, Cache(padded: padded, heads: headCaches, rowNormaliser: rowMax, columnNormaliser: columnMax), attention)
    }

    /// dTokens [S, E] from dOutput [S, E]; accumulates dW_qkv.
    func backward(_ outputGradient: Tensor, cache: Cache) -> Tensor {
        let total = cache.padded.shape[0], s = outputGradient.shape[0], padding = total - s
        let e = width, dh = headWidth, m = landmarks, l = total / m
        let scale = 1 / Float(dh).squareRoot()
        var projectedGradient = Tensor(shape: [total, 3 * e])
        var attention2Gradients: [Tensor] = []
        var normaliserGradient: Float = 0   // dLoss/d(1/(rowMax·columnMax))
        var partial: [(dq: Tensor, dk: Tensor, dv: Tensor, dql: Tensor, dkl: Tensor)] = []
        let normaliser = 1 / (cache.rowNormaliser.value * cache.columnNormaliser.value)
        for h in 0..<heads {
            let c = cache.heads[h]
            var dOut = Tensor(shape: [total, dh])
            for r in 0..<s { for j in 0..<dh { dOut.storage[(padding + r) * dh + j] = outputGradient.storage[r * e + h * dh + j] } }
            let dLeft = dOut.matmul(c.right, transposeOther: true)           // [S', m]
            let dRight = c.left.matmul(dOut, transposeSelf: true)            // [m, dh]
            let z = c.iterates.last!
            let dA1 = dLeft.matmul(z, transposeOther: true)
            var dz = c.attention1.matmul(dLeft, transposeSelf: true)         // [m, m]
            let dA3 = dRight.matmul(c.v, transposeOther: true)               // [m, S']
            let dv = c.attention3.matmul(dRight, transposeSelf: true)        // [S', dh]
            var dA2 = Tensor(shape: [m, m])
            for t in stride(from: iterations - 1, through: 0, by: -1) {
                let (previous, dA) = Self.pseudoinverseStepBackward(c.attention2, c.iterates[t], dz)
                dz = previous
                dA2.add(dA)
            }
            // z₀ = A₂ᵀ·normaliser.
            dA2.add(dz.transposed() * normaliser)
            normaliserGradient += zip(dz.storage, c.attention2.transposed().storage).reduce(0) { $0 + $1.0 * $1.1 }
            attention2Gradients.append(dA2)
            let ds1 = Self.softmaxRowsBackward(c.attention1, dA1), ds3 = Self.softmaxRowsBackward(c.attention3, dA3)
            // s₁ = q k̃ᵀ, s₃ = q̃ kᵀ.
            partial.append((dq: ds1.matmul(c.kLandmarks), dk: ds3.matmul(c.qLandmarks, transposeSelf: true), dv: dv,
                            dql: ds3.matmul(c.k), dkl: ds1.matmul(c.q, transposeSelf: true)))
        }
        // The normalisers are maxima of |A₂| row and column sums: their gradient goes to the
        // winning row or column of the winning head (A₂ is positive, so |·| has slope 1).
        let rowGradient = -normaliserGradient * normaliser / cache.rowNormaliser.value
        let columnGradient = -normaliserGradient * normaliser / cache.columnNormaliser.value
        attention2Gradients[cache.rowNormaliser.head].withUnsafeMutableBufferPointer { p in
            for j in 0..<m { p[cache.rowNormaliser.row * m + j] += rowGradient }
        }
        attention2Gradients[cache.columnNormaliser.head].withUnsafeMutableBufferPointer { p in
            for i in 0..<m { p[i * m + cache.columnNormaliser.column] += columnGradient }
        }
        for h in 0..<heads {
            let c = cache.heads[h]
            let ds2 = Self.softmaxRowsBackward(c.attention2, attention2Gradients[h])   // s₂ = q̃ k̃ᵀ
            var (dq, dk, dql, dkl) = (partial[h].dq, partial[h].dk, partial[h].dql, partial[h].dkl)
            let dv = partial[h].dv
            dql.add(ds2.matmul(c.kLandmarks))
            dkl.add(ds2.matmul(c.qLandmarks, transposeSelf: true))
            for r in 0..<total {
                let block = r / l
                for j in 0..<dh {
                    dq.storage[r * dh + j] += dql.storage[block * dh + j] / Float(l)
                    dk.storage[r * dh + j] += dkl.storage[block * dh + j] / Float(l)
                }
            }
            for r in 0..<total {
                for j in 0..<dh {
                    projectedGradient.storage[r * 3 * e + h * dh + j] = dq.storage[r * dh + j] * scale
                    projectedGradient.storage[r * 3 * e + e + h * dh + j] = dk.storage[r * dh + j]
                    projectedGradient.storage[r * 3 * e + 2 * e + h * dh + j] = dv.storage[r * dh + j]
                }
            }
        }
        qkv.gradient.add(projectedGradient.matmul(cache.padded, transposeSelf: true))
        let paddedGradient = projectedGradient.matmul(qkv.value)
        return Tensor(shape: [s, e], storage: Array(paddedGradient.storage[(padding * e)...]))
    }

    /// Means of `count` consecutive equal blocks of rows.
    static func landmarkMeans(_ x: Tensor, count: Int) -> Tensor {
        let rows = x.shape[0], d = x.shape[1], l = rows / count
        var result = Tensor(shape: [count, d])
        for r in 0..<rows { for j in 0..<d { result.storage[(r / l) * d + j] += x.storage[r * d + j] / Float(l) } }
        return result
    }

    static func softmaxRows(_ x: Tensor) -> Tensor {
        let rows = x.shape[0], columns = x.shape[1]
        var result = Tensor(shape: x.shape)
        for r in 0..<rows {
            var top = -Float.infinity
            for c in 0..<columns { top = max(top, x.storage[r * columns + c]) }
            var sum: Float = 0
            for c in 0..<columns { let v = expf(x.storage[r * columns + c] - top); result.storage[r * columns + c] = v; sum += v }
            for c in 0..<columns { result.storage[r * columns + c] /= sum }
        }
        return result
    }

    /// ds = a ⊙ (da − Σ_row da ⊙ a).
    static func softmaxRowsBackward(_ a: Tensor, _ da: Tensor) -> Tensor {
        let rows = a.shape[0], columns = a.shape[1]
        var result = Tensor(shape: a.shape)
        for r in 0..<rows {
            var dot: Float = 0
            for c in 0..<columns { dot += a.storage[r * columns + c] * da.storage[r * columns + c] }
            for c in 0..<columns { result.storage[r * columns + c] = a.storage[r * columns + c] * (da.storage[r * columns + c] - dot) }
        }
        return result
    }

    /// One Newton–Schulz-type step z ← ¼ z (13I − xz(15I − xz(7I − xz))) with xz = a·z.
    static func pseudoinverseStep(_ a: Tensor, _ z: Tensor) -> Tensor {
        z.matmul(pseudoinverseTerms(a, z).t3) * 0.25
    }

    private static func pseudoinverseTerms(_ a: Tensor, _ z: Tensor) -> (t1: Tensor, t2: Tensor, t3: Tensor, xz: Tensor) {
        let m = a.shape[0]
        let xz = a.matmul(z)
        func identityMinus(_ scale: Float, _ t: Tensor) -> Tensor {
            var result = t * -1
            for i in 0..<m { result.storage[i * m + i] += scale }
            return result
        }
        let t1 = identityMinus(7, xz)
        let t2 = identityMinus(15, xz.matmul(t1))
        let t3 = identityMinus(13, xz.matmul(t2))
        return (t1, t2, t3, xz)
    }

    /// Given dz_{t+1}, returns dz_t and the step's contribution to dA.
    static func pseudoinverseStepBackward(_ a: Tensor, _ z: Tensor, _ dNext: Tensor) -> (dz: Tensor, da: Tensor) {
        let (t1, t2, t3, xz) = pseudoinverseTerms(a, z)
        var dz = dNext.matmul(t3, transposeOther: true) * 0.25
        let dt3 = z.matmul(dNext, transposeSelf: true) * 0.25
        // t3 = 13I − xz·t2; t2 = 15I − xz·t1; t1 = 7I − xz.
        var dxz = dt3.matmul(t2, transposeOther: true) * -1
        let dt2 = xz.matmul(dt3, transposeSelf: true) * -1
        dxz.add(dt2.matmul(t1, transposeOther: true), scale: -1)
        let dt1 = xz.matmul(dt2, transposeSelf: true) * -1
        dxz.add(dt1, scale: -1)
        let da = dxz.matmul(z, transposeOther: true)
        dz.add(a.matmul(dxz, transposeSelf: true))
        return (dz, da)
    }
}
