/// A model's output for one bag.
public struct BagPrediction: Codable, Equatable, Sendable {
    /// P(bag positive), σ(logit).
    public let probability: Float
    /// The true label.
    public let label: Bool
    /// The pooling's weight of each real instance, in the bag's instance order; sums to 1.
    public let instanceWeights: [Float]

    /// A prediction; `instanceWeights` are the bag's real-instance weights in instance order.
    public init(probability: Float, label: Bool, instanceWeights: [Float]) {
        self.probability = probability
        self.label = label
        self.instanceWeights = instanceWeights
    }

    /// Predicted positive at threshold 0.5.
    public var predictedPositive: Bool { probability >= 0.5 }

    /// Index of the instance with the highest weight (first on ties).
    public var topInstance: Int {
        instanceWeights.indices.max { instanceWeights[$0] < instanceWeights[$1] }!
    }
}

/// Bag-level evaluation: loss, confusion matrix, AUC and balanced accuracy over predictions.
public struct MILEvaluation: Sendable {
    /// Mean BCE over the bags.
    public let loss: Float
    public let predictions: [BagPrediction]

    /// An evaluation from its mean loss and per-bag predictions.
    public init(loss: Float, predictions: [BagPrediction]) {
        self.loss = loss
        self.predictions = predictions
    }

    /// Confusion matrix at threshold 0.5.
    public var confusion: ConfusionMatrix {
        ConfusionMatrix(predicted: predictions.map(\.predictedPositive), actual: predictions.map(\.label))
    }

    /// ROC AUC of the probabilities; nil when only one class is present.
    public var auc: Double? {
        BinaryMetrics.rocAUC(scores: predictions.map { Double($0.probability) }, labels: predictions.map(\.label))
    }
}
