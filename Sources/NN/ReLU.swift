import Foundation
import Tensor

/// `max(0, x)`. Backward passes the gradient where the input was positive (0 at x = 0, as PyTorch).
public final class ReLU: Layer {
    private var cachedInput: Tensor?
    public init() {}
    public var namedParameters: [(name: String, parameter: Parameter)] { [] }

    public func forward(_ input: Tensor, mode: Mode) -> Tensor {
        cachedInput = mode == .training ? input : nil
        return input.map { $0 > 0 ? $0 : 0 }
    }

    public func backward(_ outputGradient: Tensor) -> Tensor {
        guard let input = cachedInput else { preconditionFailure("ReLU.backward called without a training-mode forward") }
        return outputGradient.zipMap(input) { g, x in x > 0 ? g : 0 }
    }
}
