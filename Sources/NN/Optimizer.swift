import Tensor

/// Updates parameters from their accumulated gradients; `step()` once per batch after `backward`.
///
/// Optimizers keep per-parameter state (momentum, moments) in arrays parallel to `parameters`.
public protocol Optimizer: AnyObject {
    /// The parameters updated, in a fixed order.
    var parameters: [Parameter] { get }
    /// Learning rate; may be changed between steps (schedules).
    var learningRate: Float { get set }
    /// Applies one update using each parameter's current gradient.
    func step()
}

extension Optimizer {
    /// Zeroes every parameter gradient (call before accumulating the next batch).
    public func zeroGradients() {
        for parameter in parameters { parameter.zeroGradient() }
    }
}
