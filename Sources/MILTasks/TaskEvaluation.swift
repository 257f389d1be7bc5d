import MIL
import Tensor

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
