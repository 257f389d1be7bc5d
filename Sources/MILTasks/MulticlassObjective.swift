import MIL
import NN
import Tensor

/// C logits per bag, softmax cross-entropy with optional per-class weights
/// (`WeightedCrossEntropy`): a step's loss is the class-weighted mean over its bags, and so is
/// the validation loss; the measure is the macro one-vs-rest AUC of the class probabilities.
public struct MulticlassObjective: MILObjective, Sendable {
    public let classCount: Int
    /// C weights, or nil for all ones.
    public let classWeights: [Float]?

    /// - Precondition: C ≥ 2; C weights when given.
    public init(classCount: Int, classWeights: [Float]?) {
        precondition(classCount >= 2, "a multi-class task needs two or more classes")
        precondition(classWeights == nil || classWeights!.count == classCount, "one weight per class")
        self.classCount = classCount
        self.classWeights = classWeights
    }

    public var outputCount: Int { classCount }
    public var scope: LossScope { .bag }

    public func weight(of target: BagTarget) -> Float { classWeights?[Self.classIndex(target)] ?? 1 }

    public func loss(logits: Tensor, targets: [BagTarget]) -> LossValue {
        WeightedCrossEntropy.loss(logits: logits, classes: targets.map(Self.classIndex), classWeights: classWeights)
    }

    public func validationLoss(logits: Tensor, targets: [BagTarget]) -> Float { loss(logits: logits, targets: targets).value }

    public func measures(logits: Tensor, targets: [BagTarget]) -> TaskMeasure {
        let scores = MILTask.multiclass(classCount: classCount, classWeights: nil).scores(logits: logits)
        return TaskMeasure(MulticlassMetrics.macroAUC(scores: scores, labels: targets.map(Self.classIndex), classCount: classCount))
    }

    public func stratum(of target: BagTarget) -> Int { Self.classIndex(target) }
    public func instanceClass(of target: BagTarget) -> Int? { Self.classIndex(target) }

    private static func classIndex(_ target: BagTarget) -> Int {
        guard case .classIndex(let c) = target else { preconditionFailure("a multi-class task needs class targets") }
        return c
    }
}
