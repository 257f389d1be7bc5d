import NN
import Tensor

/// Which bags one term of an objective's loss sees, and so how `MILTrainer` runs a step's bags.
public enum LossScope: Sendable {
    /// Each bag's loss is its own (BCE, cross-entropy, discrete-time survival): the step's loss is
    /// the mean of its bags' losses weighted by `MILObjective.weight(of:)`, and the trainer
    /// forwards and backpropagates one bag at a time, so memory is O(n·D) whatever the step size.
    case bag
    /// The loss couples the bags of a step (Cox's partial likelihood compares each event with the
    /// step's risk set): the step's bags go through the network together, padded into one batch.
    case step
}

/// What a MIL task optimises and how it is judged: the loss of a group of bags' logits and its
/// gradient, each bag's weight in its step, the stratum balanced sampling draws a bag from, the
/// validation loss early stopping watches and the validation measures reported per epoch.
///
/// `MILTrainer` runs one loop (epochs, sampling, steps, early stopping, divergence checks) over
/// any objective: `BinaryObjective` here, the multi-class and survival objectives in `MILTasks`.
public protocol MILObjective<Target, Measures> {
    /// What a bag is labelled with.
    associatedtype Target
    /// The validation measures of an epoch, encoded beside the epoch's losses in `MILEpochRecord`.
    associatedtype Measures: Codable, Equatable, Sendable

    /// Logits the network must give per bag.
    var outputCount: Int { get }
    /// Whether the loss is a weighted mean of per-bag terms or couples the bags of a step.
    var scope: LossScope { get }
    /// A bag's weight in its step (class weights; 1 when the task has none). Must be > 0.
    func weight(of target: Target) -> Float
    /// The loss of a group's [G, outputCount] logits (one bag, or a whole step with
    /// `LossScope.step`) and dLoss/dLogits: the mean over the group weighted by `weight(of:)`.
    func loss(logits: Tensor, targets: [Target]) -> LossValue
    /// The validation loss of [N, outputCount] logits, each bag run alone in inference mode:
    /// what early stopping minimises.
    func validationLoss(logits: Tensor, targets: [Target]) -> Float
    /// The measures of [N, outputCount] logits (AUC, macro AUC, c-index ...).
    func measures(logits: Tensor, targets: [Target]) -> Measures
    /// The stratum balanced sampling draws a bag from (the label, class or event flag).
    func stratum(of target: Target) -> Int
    /// The bag's class for instance-level terms (CLAM's clustering); nil for a task without classes.
    func instanceClass(of target: Target) -> Int?
}
