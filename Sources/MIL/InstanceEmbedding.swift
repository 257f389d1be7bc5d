import NN
import Tensor

/// A shared per-instance layer before pooling: Linear(D, E) → ReLU → Dropout(p), as CLAM's `fc`.
///
/// It maps every instance to an E-wide embedding that both the pooling head and the instance
/// classifiers of `InstanceClustering` see, so the instance loss shapes the same representation
/// the bag classifier uses. Parameters `linear.weight` [E, D], `linear.bias` [E].
/// Cost: 2·B·Nmax·D·E flops forward.
public final class InstanceEmbedding {
    public let linear: Linear
    private let activation = ReLU()
    private let dropout: Dropout

    /// An embedding of `inputWidth`-wide features into `outputWidth`, dropout `probability`.
    public init(inputWidth: Int, outputWidth: Int, dropout probability: Float, generator: inout SeededGenerator) {
        linear = Linear(inputFeatures: inputWidth, outputFeatures: outputWidth, generator: &generator)
        dropout = Dropout(probability: probability, seed: generator.next())
    }

    /// Embedding width E.
    public var outputWidth: Int { linear.outputFeatures }

    public var namedParameters: [(name: String, parameter: Parameter)] { prefixed("linear", linear.namedParameters) }

    /// Embeds every row of the batch; the mask is kept.
    public func forward(_ batch: BagBatch, mode: Mode) -> BagBatch {
        let rows = batch.features.reshaped([batch.bagCount * batch.maxInstances, batch.featureWidth])
        let embedded = dropout.forward(activation.forward(linear.forward(rows, mode: mode), mode: mode), mode: mode)
        return BagBatch(features: embedded.reshaped([batch.bagCount, batch.maxInstances, outputWidth]), mask: batch.mask)
    }

    /// dLoss/dInput [B, Nmax, D] from dLoss/dEmbedding [B, Nmax, E]; accumulates the gradients.
    public func backward(_ outputGradient: Tensor) -> Tensor {
        let shape = outputGradient.shape
        let rows = outputGradient.reshaped([shape[0] * shape[1], shape[2]])
        let inputGradient = linear.backward(activation.backward(dropout.backward(rows)))
        return inputGradient.reshaped([shape[0], shape[1], inputGradient.shape[1]])
    }
}
