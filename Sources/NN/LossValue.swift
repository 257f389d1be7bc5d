import Tensor

/// A scalar loss and its gradient with respect to the loss's input (same shape as that input).
public struct LossValue {
    /// The reduced loss (mean over elements or samples).
    public let value: Float
    /// dLoss/dInput, ready to pass to the model's `backward`.
    public let gradient: Tensor

    /// A loss value and its gradient (for losses defined outside this module).
    public init(value: Float, gradient: Tensor) {
        self.value = value
        self.gradient = gradient
    }
}
