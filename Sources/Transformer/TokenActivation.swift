import Foundation
import Tensor

/// The pointwise nonlinearities of transformer MLPs, applied in place to large activation
/// buffers on several threads.
public enum TokenActivation: String, Sendable, CaseIterable {
    /// GELU with the exact error function, `x · Φ(x) = x/2 · (1 + erf(x/√2))` (PyTorch's default
    /// `nn.GELU()`, used by timm's ViTs; not the tanh approximation).
    case gelu
    /// SiLU (swish), `x · σ(x) = x / (1 + e^−x)`.
    case silu

    /// f(x) for one value.
    @inlinable
    public func callAsFunction(_ x: Float) -> Float {
        switch self {
        case .gelu: return 0.5 * x * (1 + VectorMath.erf(VectorMath.Vector(repeating: x * 0.70710678118654752))[0])
        case .silu: return x / (1 + VectorMath.exp(-x))
        }
    }

    /// f on 16 lanes.
    @inlinable
    func vector(_ x: VectorMath.Vector) -> VectorMath.Vector {
        switch self {
        case .gelu:
            return 0.5 * x * (1 + VectorMath.erf(x * 0.70710678118654752))
        case .silu:
            return x / (1 + VectorMath.exp(-x))
        }
    }

    /// Applies f in place to `count` values at `data`, on up to `workers` threads.
    public func apply(_ data: UnsafeMutablePointer<Float>, count: Int, workers: Int = ParallelFor.workerCount) {
        let activation = self
        ParallelFor.run(count, workers: workers, minimumPerChunk: 1 << 14) { range in
            VectorMath.transform(data + range.lowerBound, count: range.count,
                                 vector: { activation.vector($0) }, scalar: { activation($0) })
        }
    }

    /// The gated half of a packed SwiGLU (timm's `SwiGLUPacked`, `GluMlp` with the gate first):
    /// each row of `2·half` values `[a | b]` (rows `stride` apart) gives `f(a) · b`, written as a
    /// row of `half` values to `output` (rows `outputStride` apart). `output` may be `data` with
    /// `outputStride == stride` (the first half of each row is overwritten).
    public func applyGated(_ data: UnsafeMutablePointer<Float>, rows: Int, half: Int, stride: Int,
                           into output: UnsafeMutablePointer<Float>, outputStride: Int,
                           workers: Int = ParallelFor.workerCount) {
        let activation = self
        let lanes = VectorMath.Vector.scalarCount
        ParallelFor.run(rows, workers: workers, minimumPerChunk: 4) { range in
            for row in range {
                let gate = data + row * stride, value = gate + half, target = output + row * outputStride
                var index = 0
                while index + lanes <= half {
                    VectorMath.store(activation.vector(VectorMath.load(gate + index)) * VectorMath.load(value + index), target + index)
                    index += lanes
                }
                while index < half {
                    target[index] = activation(gate[index]) * value[index]
                    index += 1
                }
            }
        }
    }
}
