import NN
import Tensor

/// A bag classifier: a `MILPooling` head followed by a classifier `Layer` giving one logit per bag.
///
/// Parameter names are `pooling.*` and `classifier.*`, so `stateDictionary()` can be saved as
/// safetensors and reloaded by name.
public final class MILModel {
    public let pooling: any MILPooling
    public let classifier: any Layer

    /// A model from a head and a classifier whose input width is the head's `outputWidth`.
    public init(pooling: any MILPooling, classifier: any Layer) {
        self.pooling = pooling
        self.classifier = classifier
    }

    /// All trainable tensors with their names.
    public var namedParameters: [(name: String, parameter: Parameter)] {
        prefixed("pooling", pooling.namedParameters) + prefixed("classifier", classifier.namedParameters)
    }

    /// The parameters in a fixed order (for optimizers).
    public var parameters: [Parameter] { namedParameters.map(\.parameter) }

    /// Parameter values by name.
    public func stateDictionary() -> [String: Tensor] {
        Dictionary(uniqueKeysWithValues: namedParameters.map { ($0.name, $0.parameter.value) })
    }

    /// Logits [B] and the pooling's per-instance weights [B, Nmax].
    public func forward(_ batch: BagBatch, mode: Mode) -> (logits: Tensor, instanceWeights: Tensor) {
        let pooled = pooling.forward(batch, mode: mode)
        let logits = classifier.forward(pooled.pooled, mode: mode)
        return (logits.reshaped([batch.bagCount]), pooled.instanceWeights)
    }

    /// Given dLoss/dLogits [B], accumulates every parameter gradient; returns dLoss/dFeatures.
    @discardableResult
    public func backward(_ logitGradient: Tensor) -> Tensor {
        let pooledGradient = classifier.backward(logitGradient.reshaped([logitGradient.count, 1]))
        return pooling.backward(pooledGradient)
    }

    /// Bag probabilities σ(logit) in inference mode, with the instance weights of each bag
    /// (real instances only, in row order).
    public func predict(_ batch: BagBatch) -> [(probability: Float, instanceWeights: [Float])] {
        let (logits, weights) = forward(batch, mode: .inference)
        return (0..<batch.bagCount).map { b in
            (Sigmoid.logistic(logits.storage[b]), batch.realValues(of: weights, bag: b))
        }
    }
}
