import Foundation
import NN
import Tensor

/// Binary bags (slides, MNIST bags): one logit per bag, BCE with logits with a weight per class.
///
/// A step's loss is Σ w_b·BCE_b / Σ w_b over its bags, so unbalanced labels can count equally
/// (`balanced(labels:)`); the validation loss is the unweighted mean BCE, one bag at a time.
public struct BinaryObjective: MILObjective, Sendable {
    /// Loss weight of a negative bag.
    public var negativeWeight: Float
    /// Loss weight of a positive bag.
    public var positiveWeight: Float

    /// Weights of 1 give the plain mean BCE.
    /// - Precondition: both weights are positive.
    public init(negativeWeight: Float = 1, positiveWeight: Float = 1) {
        precondition(negativeWeight > 0 && positiveWeight > 0, "class weights must be positive")
        self.negativeWeight = negativeWeight
        self.positiveWeight = positiveWeight
    }

    /// Weights n / (2·n_class), which make both classes contribute equally to the loss (as
    /// scikit-learn's `class_weight="balanced"`); (1, 1) when a class is absent.
    public static func balanced(labels: [Bool]) -> BinaryObjective {
        let positives = labels.filter { $0 }.count, negatives = labels.count - positives
        guard positives > 0, negatives > 0 else { return BinaryObjective() }
        let total = Float(labels.count)
        return BinaryObjective(negativeWeight: total / (2 * Float(negatives)), positiveWeight: total / (2 * Float(positives)))
    }

    public var outputCount: Int { 1 }
    public var scope: LossScope { .bag }

    public func weight(of label: Bool) -> Float { label ? positiveWeight : negativeWeight }

    public func loss(logits: Tensor, targets: [Bool]) -> LossValue {
        precondition(logits.shape == [targets.count, 1], "logits \(logits.shape) for \(targets.count) binary bags")
        let total = targets.reduce(Float(0)) { $0 + weight(of: $1) }
        var value: Float = 0
        var gradient = Tensor(shape: logits.shape)
        for (b, label) in targets.enumerated() {
            let bag = Self.bce(logits.storage[b], label)
            let share = weight(of: label) / total
            value += share * bag.value
            gradient.storage[b] = share * bag.gradient.storage[0]
        }
        return LossValue(value: value, gradient: gradient)
    }

    /// The unweighted mean BCE over the bags.
    public func validationLoss(logits: Tensor, targets: [Bool]) -> Float {
        var total = 0.0
        for (b, label) in targets.enumerated() { total += Double(Self.bce(logits.storage[b], label).value) }
        return Float(total / Double(max(1, targets.count)))
    }

    /// ROC AUC and accuracy at probability 0.5.
    public func measures(logits: Tensor, targets: [Bool]) -> BinaryMeasures {
        let probabilities = logits.storage.map(Sigmoid.logistic)
        return BinaryMeasures(auc: BinaryMetrics.rocAUC(scores: probabilities.map(Double.init), labels: targets),
                              accuracy: ConfusionMatrix(predicted: probabilities.map { $0 >= 0.5 }, actual: targets).accuracy)
    }

    public func stratum(of label: Bool) -> Int { label ? 1 : 0 }
    /// 1 for a positive bag, 0 for a negative one.
    public func instanceClass(of label: Bool) -> Int? { label ? 1 : 0 }

    private static func bce(_ logit: Float, _ label: Bool) -> LossValue {
        BinaryCrossEntropyWithLogits.loss(logits: Tensor(shape: [1], storage: [logit]), targets: Tensor(shape: [1], storage: [label ? 1 : 0]))
    }
}

/// The validation measures of binary bags.
public struct BinaryMeasures: Codable, Equatable, Sendable {
    /// ROC AUC; nil with one class only.
    public let auc: Double?
    /// Accuracy at probability 0.5.
    public let accuracy: Double?

    public init(auc: Double?, accuracy: Double?) {
        self.auc = auc
        self.accuracy = accuracy
    }

    private enum CodingKeys: String, CodingKey {
        case auc = "validationAUC", accuracy = "validationAccuracy"
    }
}
