import Tensor

/// `torch.nn.Flatten()`: [N, d1, d2, …] → [N, d1·d2·…]. No copy; backward restores the shape.
public final class Flatten: Layer {
    private var cachedInputShape: [Int] = []
    public init() {}
    public var namedParameters: [(name: String, parameter: Parameter)] { [] }

    public func forward(_ input: Tensor, mode: Mode) -> Tensor {
        precondition(input.rank >= 1, "Flatten needs a batch dimension")
        cachedInputShape = input.shape
        return input.reshaped([input.shape[0], input.shape.dropFirst().reduce(1, *)])
    }

    public func backward(_ outputGradient: Tensor) -> Tensor {
        outputGradient.reshaped(cachedInputShape)
    }
}
