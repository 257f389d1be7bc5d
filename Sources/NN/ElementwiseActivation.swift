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

