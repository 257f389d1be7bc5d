import NN
import Tensor

/// A network `MILTrainer` trains: a `MILModel`, or any `BagHead` of `MILHeads`.
///
/// The trainer owns the loop; the network owns one training pass over a group of bags, because
/// some heads train on more than the task loss of their reported logits: CLAM's instance
/// clustering term (`MILModel` with instance classifiers, `CLAMMultiBranch`) and DSMIL's loss on
/// each of its two streams (`DualStreamMIL`).
public protocol MILNetwork: AnyObject {
    /// Trainable tensors with their names, in a fixed order (what optimisers take).
    var namedParameters: [(name: String, parameter: Parameter)] { get }
    /// Fits what is learnt from the training bags before the first step, not by gradients
    /// (`MILModel`'s feature standardisation); nothing for most networks.
    func prepareForTraining(on bags: some BagCollection, indices: [Int]) throws
    /// One training-mode forward of `batch`, the task's `loss` of the logits [G, C] it gives, and
    /// the backward pass: parameter gradients are accumulated, scaled by `share`. Returns the
    /// group's loss (with the instance term, when there is one).
    func trainingPass(_ batch: BagBatch, loss: (Tensor) -> LossValue, instanceTerm: InstanceTerm?, share: GradientShare) -> Float
    /// Logits [B, C] and instance weights [B, A, Nmax] in inference mode (A attention branches).
    func inferenceOutputs(_ batch: BagBatch) -> (logits: Tensor, instanceWeights: Tensor)
}

extension MILNetwork {
    /// The parameters in `namedParameters` order.
    public var parameters: [Parameter] { namedParameters.map(\.parameter) }

    /// Nothing to fit.
    public func prepareForTraining(on bags: some BagCollection, indices: [Int]) throws {}
}

/// A group's share of its optimiser step: gradients of the group's loss (a weighted mean over
/// the group) are multiplied by groupWeight / stepWeight, so that a step's gradient is the
/// weighted mean over all its bags whether they ran one at a time or together.
public struct GradientShare: Sendable {
    /// Sum of the group's bag weights.
    public let groupWeight: Float
    /// Sum of the step's bag weights.
    public let stepWeight: Float

    public init(groupWeight: Float, stepWeight: Float) {
        self.groupWeight = groupWeight
        self.stepWeight = stepWeight
    }

    /// factor · groupWeight / stepWeight.
    public func scale(_ factor: Float) -> Float { factor * groupWeight / stepWeight }

    /// Each element e of `gradient` as e · factor · groupWeight / stepWeight (in that order).
    public func scale(_ gradient: Tensor, by factor: Float) -> Tensor {
        var scaled = gradient
        scaled.withUnsafeMutableBufferPointer { values in
            for i in values.indices { values[i] = values[i] * factor * groupWeight / stepWeight }
        }
        return scaled
    }
}

/// CLAM's instance-level clustering term for one group of bags: the total loss is
/// (1 − weight)·task loss + weight·instance loss.
public struct InstanceTerm: Sendable {
    /// The term's share of the total, in (0, 1).
    public let weight: Float
    /// Instances pseudo-labelled per side (CLAM's `k_sample`).
    public let topK: Int
    /// Each bag's class (for binary bags 1 = positive), which picks its instance classifier.
    public let classes: [Int]

    public init(weight: Float, topK: Int, classes: [Int]) {
        self.weight = weight
        self.topK = topK
        self.classes = classes
    }

    /// The task loss's share of the total, 1 − weight.
    public var taskShare: Float { 1 - weight }
}
