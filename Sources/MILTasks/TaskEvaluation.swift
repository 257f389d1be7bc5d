import MIL
import Tensor

/// The validation measure of a multi-class or survival task: the macro one-vs-rest AUC or
/// Harrell's c-index; nil when undefined (one class, no comparable pair). Encoded as
/// `validationMeasure` in `MILEpochRecord`.
public struct TaskMeasure: Codable, Equatable, Sendable {
    public let measure: Double?

    public init(_ measure: Double?) { self.measure = measure }

    private enum CodingKeys: String, CodingKey {
        case measure = "validationMeasure"
    }
}

/// A head's outputs on task bags, and the task's summary measure.
public struct TaskEvaluation: Sendable {
    /// The task's validation loss over all the bags at once (for Cox, one risk set over them all).
    public let loss: Float
    /// `MILTask.scores` of each bag, in bag order.
    public let scores: [[Double]]
    /// The targets, in bag order.
    public let targets: [BagTarget]
    /// Each bag's instance weights [branches][real instances].
    public let instanceWeights: [[[Float]]]
    /// Macro AUC (multi-class) or Harrell's c-index (survival); nil when undefined.
    public let measure: Double?

    /// The evaluation of `outputs` (from `MILTrainer.outputs`) under `task`.
    public init(_ outputs: BagOutputs<BagTarget>, task: MILTask) {
        let objective = task.objective
        loss = objective.validationLoss(logits: outputs.logits, targets: outputs.targets)
        scores = task.scores(logits: outputs.logits)
        targets = outputs.targets
        instanceWeights = outputs.instanceWeights
        measure = objective.measures(logits: outputs.logits, targets: outputs.targets).measure
    }
}
