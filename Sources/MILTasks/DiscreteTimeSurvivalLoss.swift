import Foundation
import NN
import Tensor

/// Negative log-likelihood of a discrete-time hazard model, as PORPOISE/MCAT's `nll_loss`.
///
/// A bag's K logits x_k give hazards h_k = σ(x_k), the probability of the event in bin k given
/// survival to it, and survival S_k = Π_{j≤k} (1 − h_j), with S_{−1} = 1. For a subject in bin
/// y (see `SurvivalBins`):
///
///     event:     ℓ = −log S_{y−1} − log h_y          (survived the earlier bins, then the event)
///     censored:  ℓ = −log S_y                          (survived through its bin)
///     loss = mean_i [(1 − α)·ℓ_i + α·ℓ_i·event_i]      (α up-weights uncensored subjects)
///
/// Computed in log space (log h = logσ(x), log(1 − h) = logσ(−x)), so it stays finite where
/// MCAT clamps probabilities at 1e-7; the two agree wherever no probability is below 1e-7.
public enum DiscreteTimeSurvivalLoss {
    /// - Parameters:
    ///   - logits: [B, K] hazard logits.
    ///   - bins: B bin indices in 0..<K (`SurvivalBins.bin(of:)` of each time).
    ///   - events: B flags, true = event observed (censorship = !event).
    ///   - alpha: weight α ∈ [0, 1] of the extra uncensored term (MCAT's default 0.4; 0 = plain NLL).
    /// - Returns: the mean loss and dLoss/dLogits [B, K].
    public static func loss(logits: Tensor, bins: [Int], events: [Bool], alpha: Float = 0) -> LossValue {
        precondition(logits.rank == 2 && logits.shape[0] == bins.count && bins.count == events.count,
                     "survival NLL expects [B, K] logits, B bins and B event flags")
        let n = logits.shape[0], k = logits.shape[1]
        var gradient = Tensor(shape: logits.shape)
        var total = 0.0
        for row in 0..<n {
            let y = bins[row]
            precondition(y >= 0 && y < k, "bin \(y) out of range 0..<\(k)")
            let scale = Double(events[row] ? 1 : 1 - alpha) / Double(n)
            var value = 0.0
            // −log S over bins 0..<y (event) or 0...y (censored): Σ −logσ(−x_j); d/dx_j = σ(x_j).
            let survivedThrough = events[row] ? y - 1 : y
            if survivedThrough >= 0 {
                for j in 0...survivedThrough {
                    let x = Double(logits.storage[row * k + j])
                    value -= logSigmoid(-x)
                    gradient.storage[row * k + j] = Float(scale * sigmoid(x))
                }
            }
            if events[row] {
                // −log h_y = −logσ(x_y); d/dx = −σ(−x_y).
                let x = Double(logits.storage[row * k + y])
                value -= logSigmoid(x)
                gradient.storage[row * k + y] = Float(-scale * sigmoid(-x))
            }
            total += scale * value
        }
        return LossValue(value: Float(total), gradient: gradient)
    }

    /// Per-bin survival S_k = Π_{j≤k} σ(−x_j) of each row of [B, K] logits.
    public static func survival(logits: Tensor) -> [[Double]] {
        let n = logits.shape[0], k = logits.shape[1]
        return (0..<n).map { row in
            var s = 1.0
            return (0..<k).map { j in
                s *= sigmoid(-Double(logits.storage[row * k + j]))
                return s
            }
        }
    }

    /// PORPOISE's risk score −Σ_k S_k: higher means earlier expected event (for the c-index).
    public static func risk(logits: Tensor) -> [Double] {
        survival(logits: logits).map { -$0.reduce(0, +) }
    }

    static func sigmoid(_ x: Double) -> Double {
        x >= 0 ? 1 / (1 + exp(-x)) : exp(x) / (1 + exp(x))
    }

    /// log σ(x) = −log(1 + e^−x), stable for both signs.
    static func logSigmoid(_ x: Double) -> Double {
        min(x, 0) - log1p(exp(-abs(x)))
    }
}
