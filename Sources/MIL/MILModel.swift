import NN
import Tensor

/// A bag classifier: optional feature standardisation and instance embedding, a `MILPooling`
/// head, a classifier `Layer` giving one logit per bag, and optional CLAM-style instance
/// classifiers trained by an auxiliary loss.
///
/// Tensor names are `input.*` (standardisation buffers), `embedding.*`, `pooling.*`,
/// `classifier.*` and `instance.*`, so `stateDictionary()` can be saved as safetensors and
/// reloaded by name. Only parameters are trained; the standardisation buffers are fitted once
/// (`fitStandardization`) before training.
public final class MILModel {
    public let standardization: FeatureStandardization?
    public let embedding: InstanceEmbedding?
    public let pooling: any MILPooling
    public let classifier: any Layer
    public let instanceClustering: InstanceClustering?
    /// The pooling head's input of the last training-mode forward (instance clustering reads it).
    private var pooledInput: BagBatch?

    /// A model from its parts; the pooling's input width is the embedding's output width when
    /// there is one, and the classifier's input width is the pooling's `outputWidth`.
    public init(standardization: FeatureStandardization? = nil, embedding: InstanceEmbedding? = nil, pooling: any MILPooling,
                classifier: any Layer, instanceClustering: InstanceClustering? = nil) {
        self.standardization = standardization
        self.embedding = embedding
        self.pooling = pooling
        self.classifier = classifier
        self.instanceClustering = instanceClustering
    }

    /// All trainable tensors with their names.
    public var namedParameters: [(name: String, parameter: Parameter)] {
        prefixed("embedding", embedding?.namedParameters ?? []) + prefixed("pooling", pooling.namedParameters)
            + prefixed("classifier", classifier.namedParameters) + prefixed("instance", instanceClustering?.namedParameters ?? [])
    }

    /// Saved non-trainable tensors with their names.
    public var namedBuffers: [(name: String, buffer: Buffer)] {
        prefixed("input", standardization?.namedBuffers ?? [])
    }

    /// Parameter and buffer values by name.
    public func stateDictionary() -> [String: Tensor] {
        var state = Dictionary(uniqueKeysWithValues: namedParameters.map { ($0.name, $0.parameter.value) })
        for (name, buffer) in namedBuffers { state[name] = buffer.value }
        return state
    }

    /// Fits the standardisation (if the model has one) on every instance of the bags at `indices`.
    public func fitStandardization(on bags: some BagCollection, indices: [Int]) throws {
        try standardization?.fit(on: bags, indices: indices)
    }

    /// Logits [B] and the pooling's per-instance weights [B, Nmax].
    public func forward(_ batch: BagBatch, mode: Mode) -> (logits: Tensor, instanceWeights: Tensor) {
        var input = standardization?.forward(batch) ?? batch
        if let embedding { input = embedding.forward(input, mode: mode) }
        pooledInput = mode == .training ? input : nil
        let pooled = pooling.forward(input, mode: mode)
        let logits = classifier.forward(pooled.pooled, mode: mode)
        return (logits.reshaped([batch.bagCount]), pooled.instanceWeights)
    }

    /// Given dLoss/dLogits [B] (and optionally a gradient on the pooling's input [B, Nmax, E]
    /// from `instanceClusteringLoss`), accumulates every parameter gradient; returns dLoss/dFeatures.
    @discardableResult
    public func backward(_ logitGradient: Tensor, pooledInputGradient: Tensor? = nil) -> Tensor {
        let classifierGradient = classifier.backward(logitGradient.reshaped([logitGradient.count, 1]))
        var gradient = pooling.backward(classifierGradient)
        if let pooledInputGradient { gradient.add(pooledInputGradient) }
        if let embedding { gradient = embedding.backward(gradient) }
        return standardization?.backward(gradient) ?? gradient
    }

    /// The instance-clustering loss of the bags of the last training-mode forward, given their
    /// labels and that forward's instance weights; returns the mean over bags of
    /// `InstanceClustering.loss` and its gradient on the pooling's input [B, Nmax, E], to pass to
    /// `backward`. Classifier gradients are accumulated, scaled by `gradientScale`.
    /// - Precondition: the model has instance classifiers and a training-mode forward ran.
    public func instanceClusteringLoss(labels: [Bool], instanceWeights: Tensor, k: Int,
                                       gradientScale: Float) -> (value: Float, pooledInputGradient: Tensor) {
        guard let instanceClustering, let input = pooledInput else {
            preconditionFailure("instanceClusteringLoss needs instance classifiers and a training-mode forward")
        }
        precondition(labels.count == input.bagCount, "one label per bag")
        let n = input.maxInstances, width = input.featureWidth
        var gradient = Tensor(shape: input.features.shape)
        var total: Float = 0
        for b in 0..<input.bagCount {
            let real = (0..<n).filter { input.mask[b * n + $0] }
            var rows = [Float](); rows.reserveCapacity(real.count * width)
            for i in real { rows += input.features.storage[((b * n + i) * width)..<((b * n + i + 1) * width)] }
            let (value, rowGradient) = instanceClustering.loss(
                embeddings: Tensor(shape: [real.count, width], storage: rows), attention: input.realValues(of: instanceWeights, bag: b),
                bagIsPositive: labels[b], k: k, gradientScale: gradientScale / Float(input.bagCount))
            total += value
            for (position, i) in real.enumerated() {
                for j in 0..<width { gradient.storage[(b * n + i) * width + j] = rowGradient.storage[position * width + j] }
            }
        }
        return (total / Float(input.bagCount), gradient)
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
