import Foundation
import Tensor

/// `x` for x > 0, `slope·x` otherwise (PyTorch's default slope 0.01).
public final class LeakyReLU: Layer {
    public let slope: Float
    private var cachedInput: Tensor?
    public init(slope: Float = 0.01) { self.slope = slope }
    public var namedParameters: [(name: String, parameter: Parameter)] { [] }

    public func forward(_ input: Tensor, mode: Mode) -> Tensor {
        cachedInput = mode == .training ? input : nil
        let slope = slope
        return input.map { $0 > 0 ? $0 : slope * $0 }
    }

    public func backward(_ outputGradient: Tensor) -> Tensor {
        guard let input = cachedInput else { preconditionFailure("LeakyReLU.backward called without a training-mode forward") }
        let slope = slope
        return outputGradient.zipMap(input) { g, x in x > 0 ? g : slope * g }
    }
}
