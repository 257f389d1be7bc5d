import Foundation
import Tensor

/// Hyperbolic tangent.
public final class Tanh: Layer {
    private var cachedOutput: Tensor?
    public init() {}
    public var namedParameters: [(name: String, parameter: Parameter)] { [] }

    public func forward(_ input: Tensor, mode: Mode) -> Tensor {
        let output = input.map { tanhf($0) }
        cachedOutput = mode == .training ? output : nil
        return output
    }

    /// dx = dy·(1 − y²).
    public func backward(_ outputGradient: Tensor) -> Tensor {
        guard let output = cachedOutput else { preconditionFailure("Tanh.backward called without a training-mode forward") }
        return outputGradient.zipMap(output) { g, y in g * (1 - y * y) }
    }
}
