import MIL
import NN
import Tensor

/// Any `MILPooling` head (attention, gated attention, mean, max, …) followed by a linear
/// classifier with C outputs, as a `BagHead`: the existing pooling heads for multi-class and
/// survival tasks. logits = W·pooled + b, [B, C]; the instance weights are the pooling's, as one
/// branch [B, 1, Nmax]. Parameters `pooling.*` (the pooling's names) and `classifier.*` [C, width].
public final class PooledBagHead: BagHead {
    public let inputWidth: Int
    public let pooling: any MILPooling
    public let classifier: Linear

    /// - Parameters: the pooling head, whose input width is the instance feature width D;
    ///   `classCount` C ≥ 1 outputs; classifier weights drawn from `generator`.
    public init(pooling: any MILPooling, inputWidth: Int, classCount: Int, generator: inout SeededGenerator) {
        self.pooling = pooling
        self.inputWidth = inputWidth
        classifier = Linear(inputFeatures: pooling.outputWidth, outputFeatures: classCount, generator: &generator)
    }

    public var classCount: Int { classifier.outputFeatures }

    public var namedParameters: [(name: String, parameter: Parameter)] {
        prefixed("pooling", pooling.namedParameters) + prefixed("classifier", classifier.namedParameters)
    }

    public func forward(_ batch: BagBatch, mode: Mode) -> BagHeadOutput {
        let pooled = pooling.forward(batch, mode: mode)
        let logits = classifier.forward(pooled.pooled, mode: mode)
        return BagHeadOutput(logits: logits, instanceWeights: pooled.instanceWeights.reshaped([batch.bagCount, 1, batch.maxInstances]))
    }

    public func backward(_ logitGradient: Tensor) -> Tensor {
        pooling.backward(classifier.backward(logitGradient))
    }
}
