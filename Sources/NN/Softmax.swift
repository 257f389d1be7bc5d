import Foundation
import Tensor

/// Softmax along one axis of a tensor of any rank, as `torch.nn.Softmax(dim:)`.
///
/// The maximum along the axis is subtracted before exponentiating, so large logits do not
/// overflow. Training mode caches the output.
public final class Softmax: Layer {
    /// The normalised axis (non-negative).
    public let axis: Int
    private var cachedOutput: Tensor?

    /// Softmax over `axis`; negative values count from the end once the input rank is known.
    public init(axis: Int) { self.axis = axis }
    public var namedParameters: [(name: String, parameter: Parameter)] { [] }

    private func layout(_ shape: [Int]) -> (outer: Int, length: Int, inner: Int) {
        let a = axis < 0 ? axis + shape.count : axis
        precondition(a >= 0 && a < shape.count, "softmax axis \(axis) out of range for \(shape)")
        return (shape[..<a].reduce(1, *), shape[a], shape[(a + 1)...].reduce(1, *))
    }

    public func forward(_ input: Tensor, mode: Mode) -> Tensor {
        let (outer, length, inner) = layout(input.shape)
        var output = input
        for o in 0..<outer {
            for i in 0..<inner {
                let base = o * length * inner + i
                var maximum = -Float.infinity
                for l in 0..<length { maximum = max(maximum, input.storage[base + l * inner]) }
                var total: Float = 0
                for l in 0..<length {
                    let e = expf(input.storage[base + l * inner] - maximum)
                    output.storage[base + l * inner] = e
                    total += e
                }
                for l in 0..<length { output.storage[base + l * inner] /= total }
            }
        }
        cachedOutput = mode == .training ? output : nil
        return output
    }

    /// dx = y·(dy − Σ_axis dy·y).
    public func backward(_ outputGradient: Tensor) -> Tensor {
        guard let y = cachedOutput else { preconditionFailure("Softmax.backward called without a training-mode forward") }
        let (outer, length, inner) = layout(y.shape)
        var result = outputGradient
        for o in 0..<outer {
            for i in 0..<inner {
                let base = o * length * inner + i
                var dot: Float = 0
                for l in 0..<length { dot += outputGradient.storage[base + l * inner] * y.storage[base + l * inner] }
                for l in 0..<length {
                    let index = base + l * inner
                    result.storage[index] = y.storage[index] * (outputGradient.storage[index] - dot)
                }
            }
        }
        return result
    }
}
