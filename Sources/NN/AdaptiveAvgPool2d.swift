import Tensor

/// `torch.nn.AdaptiveAvgPool2d(1)`: the mean of every channel plane, [N, C, H, W] → [N, C, 1, 1].
public final class AdaptiveAvgPool2d: Layer {
    private var cachedInputShape: [Int] = []
    public init() {}
    public var namedParameters: [(name: String, parameter: Parameter)] { [] }

    public func forward(_ input: Tensor, mode: Mode) -> Tensor {
        precondition(input.rank == 4, "AdaptiveAvgPool2d expects NCHW, got \(input.shape)")
        let planes = input.shape[0] * input.shape[1], plane = input.shape[2] * input.shape[3]
        var output = Tensor(shape: [input.shape[0], input.shape[1], 1, 1])
        let scale = 1 / Float(plane)
        for p in 0..<planes {
            var total: Float = 0
            for i in 0..<plane { total += input.storage[p * plane + i] }
            output.storage[p] = total * scale
        }
        cachedInputShape = input.shape
        return output
    }

    /// Spreads each gradient evenly over its plane: dx = dy / (H·W).
    public func backward(_ outputGradient: Tensor) -> Tensor {
        var inputGradient = Tensor(shape: cachedInputShape)
        let plane = cachedInputShape[2] * cachedInputShape[3]
        let scale = 1 / Float(plane)
        for p in 0..<outputGradient.count {
            let g = outputGradient.storage[p] * scale
            for i in 0..<plane { inputGradient.storage[p * plane + i] = g }
        }
        return inputGradient
    }
}
