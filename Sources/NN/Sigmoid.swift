import Foundation
import Tensor

/// The logistic function 1/(1 + e^−x), evaluated without overflow for large |x|.
public final class Sigmoid: Layer {
    private var cachedOutput: Tensor?
    public init() {}
    public var namedParameters: [(name: String, parameter: Parameter)] { [] }

    /// Stable logistic: uses e^x/(1 + e^x) for negative x so e^−x never overflows.
    public static func logistic(_ x: Float) -> Float {
        if x >= 0 { return 1 / (1 + expf(-x)) }
        let e = expf(x)
        return e / (1 + e)
    }

    public func forward(_ input: Tensor, mode: Mode) -> Tensor {
        let output = input.map(Sigmoid.logistic)
        cachedOutput = mode == .training ? output : nil
        return output
    }

    /// dx = dy·y·(1 − y).
    public func backward(_ outputGradient: Tensor) -> Tensor {
        guard let output = cachedOutput else { preconditionFailure("Sigmoid.backward called without a training-mode forward") }
        return outputGradient.zipMap(output) { g, y in g * y * (1 - y) }
    }
}
