import Tensor

/// Inverted dropout, as `torch.nn.Dropout(p)`: in training mode each element is zeroed with
/// probability `probability` and survivors are scaled by 1/(1 − p), so inference is the identity.
///
/// The mask comes from the layer's own `SeededGenerator`, so a given seed reproduces the same
/// sequence of masks (it will not match PyTorch's generator bit for bit).
public final class Dropout: Layer {
    public let probability: Float
    private var generator: SeededGenerator
    private var mask: Tensor?

    /// - Precondition: 0 ≤ probability < 1.
    public init(probability: Float, seed: UInt64) {
        precondition(probability >= 0 && probability < 1, "dropout probability \(probability) outside [0, 1)")
        self.probability = probability
        generator = SeededGenerator(seed: seed)
    }

    public var namedParameters: [(name: String, parameter: Parameter)] { [] }

    public func forward(_ input: Tensor, mode: Mode) -> Tensor {
        guard mode == .training else {
            mask = nil
            return input
        }
        let keep = 1 / (1 - probability)
        var m = Tensor(shape: input.shape)
        for index in m.storage.indices {
            m.storage[index] = generator.nextUniform() < probability ? 0 : keep
        }
        mask = m
        return input * m
    }

    /// dx = dy · mask (the same scaled mask the forward used).
    public func backward(_ outputGradient: Tensor) -> Tensor {
        guard let mask else { return outputGradient }
        return outputGradient * mask
    }
}
