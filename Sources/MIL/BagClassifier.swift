import NN
import Tensor

/// The MNIST-bags tutorial's bag classifier: Linear(D, H) → LeakyReLU → Dropout(p) → Linear(H, 1).
///
/// Returns a logit per bag, [B, 1]; the tutorial's final Sigmoid is applied by the loss
/// (`BinaryCrossEntropyWithLogits`) and by `MILModel.probabilities`, which is the same function
/// computed without overflow. Parameters `linear1.*` [H, D], `linear2.*` [1, H]; the tutorial uses
/// H = 1024. Dropout draws its masks from its own generator seeded at construction.
public final class MLPBagClassifier: Layer {
    public let linear1: Linear
    public let linear2: Linear
    private let activation = LeakyReLU()
    private let dropout: Dropout

    /// A classifier for `inputWidth`-wide embeddings with `hiddenWidth` hidden units and dropout
    /// `probability` in [0, 1); weights drawn from `generator`.
    public init(inputWidth: Int, hiddenWidth: Int, dropout probability: Float, generator: inout SeededGenerator) {
        linear1 = Linear(inputFeatures: inputWidth, outputFeatures: hiddenWidth, generator: &generator)
        linear2 = Linear(inputFeatures: hiddenWidth, outputFeatures: 1, generator: &generator)
        dropout = Dropout(probability: probability, seed: generator.next())
    }

    public var namedParameters: [(name: String, parameter: Parameter)] {
        prefixed("linear1", linear1.namedParameters) + prefixed("linear2", linear2.namedParameters)
    }

    public func forward(_ input: Tensor, mode: Mode) -> Tensor {
        let hidden = dropout.forward(activation.forward(linear1.forward(input, mode: mode), mode: mode), mode: mode)
        return linear2.forward(hidden, mode: mode)
    }

    public func backward(_ outputGradient: Tensor) -> Tensor {
        linear1.backward(activation.backward(dropout.backward(linear2.backward(outputGradient))))
    }
}

/// Logistic regression on the bag embedding: one Linear(D, 1) giving a logit per bag, [B, 1].
/// Parameters `linear.weight` [1, D], `linear.bias` [1].
public final class LogisticBagClassifier: Layer {
    public let linear: Linear

    /// Logistic regression on `inputWidth`-wide embeddings, PyTorch's default initialisation.
    public init(inputWidth: Int, generator: inout SeededGenerator) {
        linear = Linear(inputFeatures: inputWidth, outputFeatures: 1, generator: &generator)
    }

    public var namedParameters: [(name: String, parameter: Parameter)] { prefixed("linear", linear.namedParameters) }

    public func forward(_ input: Tensor, mode: Mode) -> Tensor { linear.forward(input, mode: mode) }

    public func backward(_ outputGradient: Tensor) -> Tensor { linear.backward(outputGradient) }
}
