import Tensor

/// A trainable tensor and the gradient accumulated for it by `Layer.backward`.
///
/// A reference type so layers and optimizers share it; the gradient always has the value's shape.
public final class Parameter {
    /// The current weights.
    public var value: Tensor
    /// dLoss/dValue summed over backward passes since the last `zeroGradient()`.
    public var gradient: Tensor

    /// A parameter holding `value`, with a zero gradient.
    public init(_ value: Tensor) {
        self.value = value
        self.gradient = Tensor(shape: value.shape)
    }

    /// Sets the gradient to zero without reallocating.
    public func zeroGradient() {
        if gradient.shape == value.shape { gradient.fill(0) } else { gradient = Tensor(shape: value.shape) }
    }
}

/// Non-trainable layer state saved with the model, such as batch-norm running statistics.
public final class Buffer {
    /// The stored values.
    public var value: Tensor

    /// A buffer holding `value`.
    public init(_ value: Tensor) {
        self.value = value
    }
}
