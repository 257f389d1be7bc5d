import NN
import Tensor

/// Elastic-net penalty on weight matrices (parameters of rank ≥ 2; biases and thresholds are
/// left alone), as the MNIST-bags tutorial's `regularization_loss`:
/// λ · Σ_W [ (1 − α) · mean|W| + α · mean W² ].
/// `strength` λ = 0 turns it off; `l2Fraction` α ∈ [0, 1] mixes L1 (α = 0) and L2 (α = 1).
public struct ElasticNet: Codable, Equatable, Sendable {
    public var strength: Float
    public var l2Fraction: Float

    /// A penalty of strength λ mixing L1 and L2 by α (defaults: off, α = 0.5).
    public init(strength: Float = 0, l2Fraction: Float = 0.5) {
        self.strength = strength
        self.l2Fraction = l2Fraction
    }

    /// Adds the penalty's gradient to each weight matrix's gradient and returns the penalty value.
    /// The L1 subgradient at exactly 0 is taken as 0.
    @discardableResult
    public func apply(to parameters: [Parameter]) -> Float {
        guard strength != 0 else { return 0 }
        var total: Float = 0
        for parameter in parameters where parameter.value.rank >= 2 {
            let count = Float(parameter.value.count)
            var l1: Float = 0, l2: Float = 0
            for (index, w) in parameter.value.storage.enumerated() {
                l1 += abs(w)
                l2 += w * w
                let sign: Float = w > 0 ? 1 : (w < 0 ? -1 : 0)
                parameter.gradient.storage[index] += strength * ((1 - l2Fraction) * sign + l2Fraction * 2 * w) / count
            }
            total += strength * ((1 - l2Fraction) * l1 / count + l2Fraction * l2 / count)
        }
        return total
    }
}
