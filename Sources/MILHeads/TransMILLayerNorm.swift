import Foundation
import NN
import Tensor

/// Layer normalisation over the last axis of [S, E] token rows, as `torch.nn.LayerNorm(E)`
/// (biased variance, ε = 1e-5, elementwise affine), for TransMIL's transformer layers.
///
/// Stateless between calls: `forward` returns the cache its `backward` needs, so one instance
/// serves every bag of a batch. Parameters `weight` [E] (γ), `bias` [E] (β).
final class TransMILLayerNorm {
    let weight: Parameter
    let bias: Parameter
    let epsilon: Float = 1e-5

    /// What `backward` needs: the normalised rows and each row's 1/σ.
    struct Cache {
        let normalised: Tensor
        let inverseDeviation: [Float]
    }

    /// γ = 1, β = 0, as PyTorch initialises.
    init(width: Int) {
        weight = Parameter(Tensor(shape: [width], repeating: 1))
        bias = Parameter(Tensor(shape: [width]))
    }

    var namedParameters: [(name: String, parameter: Parameter)] {
        [(name: "weight", parameter: weight), (name: "bias", parameter: bias)]
    }

    func forward(_ x: Tensor) -> (output: Tensor, cache: Cache) {
        let rows = x.shape[0], e = x.shape[1]
        var normalised = Tensor(shape: x.shape), output = Tensor(shape: x.shape)
        var inverse = [Float](repeating: 0, count: rows)
        for r in 0..<rows {
            var mean = 0.0, square = 0.0
            for j in 0..<e { mean += Double(x.storage[r * e + j]) }
            mean /= Double(e)
            for j in 0..<e { let d = Double(x.storage[r * e + j]) - mean; square += d * d }
            let inv = Float(1 / (square / Double(e) + Double(epsilon)).squareRoot())
            inverse[r] = inv
            for j in 0..<e {
                let n = (x.storage[r * e + j] - Float(mean)) * inv
                normalised.storage[r * e + j] = n
                output.storage[r * e + j] = n * weight.value.storage[j] + bias.value.storage[j]
            }
        }
        return (output, Cache(normalised: normalised, inverseDeviation: inverse))
    }

    /// dx = (1/σ)(ĝ − mean(ĝ) − x̂·mean(ĝ ⊙ x̂)) with ĝ = dy ⊙ γ; accumulates dγ, dβ.
    func backward(_ dy: Tensor, cache: Cache) -> Tensor {
        let rows = dy.shape[0], e = dy.shape[1]
        var dx = Tensor(shape: dy.shape)
        for r in 0..<rows {
            var meanG: Float = 0, meanGX: Float = 0
            for j in 0..<e {
                let g = dy.storage[r * e + j], n = cache.normalised.storage[r * e + j]
                weight.gradient.storage[j] += g * n
                bias.gradient.storage[j] += g
                let gHat = g * weight.value.storage[j]
                meanG += gHat
                meanGX += gHat * n
            }
            meanG /= Float(e)
            meanGX /= Float(e)
            for j in 0..<e {
                let gHat = dy.storage[r * e + j] * weight.value.storage[j]
                dx.storage[r * e + j] = cache.inverseDeviation[r] * (gHat - meanG - cache.normalised.storage[r * e + j] * meanGX)
            }
        }
        return dx
    }
}
