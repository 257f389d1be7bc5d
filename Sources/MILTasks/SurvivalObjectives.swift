import MIL
import NN
import Tensor

/// What the survival objectives share: unweighted bags, the event flag as the sampling stratum,
/// no classes for instance terms, and Harrell's c-index of the risk scores as the measure.
public protocol SurvivalObjective: MILObjective where Target == BagTarget, Measures == TaskMeasure {
    /// The task whose `scores` are the risks.
    var task: MILTask { get }
}

extension SurvivalObjective {
    public func weight(of target: BagTarget) -> Float { 1 }
    public func stratum(of target: BagTarget) -> Int { target.stratum }
    public func instanceClass(of target: BagTarget) -> Int? { nil }
    public func validationLoss(logits: Tensor, targets: [BagTarget]) -> Float { loss(logits: logits, targets: targets).value }

    public func measures(logits: Tensor, targets: [BagTarget]) -> TaskMeasure {
        TaskMeasure(ConcordanceIndex.harrell(risks: task.scores(logits: logits).map { $0[0] }, outcomes: targets.map(survivalOutcome)))
    }
}

/// The outcome of a survival target.
func survivalOutcome(_ target: BagTarget) -> SurvivalOutcome {
    guard case .survival(let outcome) = target else { preconditionFailure("a survival task needs survival targets") }
    return outcome
}

/// K hazard logits per bag, `DiscreteTimeSurvivalLoss` over `bins` (a mean over bags, so each
/// bag trains alone); the validation loss is the same over all validation bags.
public struct DiscreteTimeSurvivalObjective: SurvivalObjective, Sendable {
    public let bins: SurvivalBins
    /// Extra weight of uncensored bags (see `DiscreteTimeSurvivalLoss`).
    public let alpha: Float

    public init(bins: SurvivalBins, alpha: Float) {
        self.bins = bins
        self.alpha = alpha
    }

    public var task: MILTask { .survival(.discreteTime(bins: bins, alpha: alpha)) }
    public var outputCount: Int { bins.count }
    public var scope: LossScope { .bag }

    public func loss(logits: Tensor, targets: [BagTarget]) -> LossValue {
        let outcomes = targets.map(survivalOutcome)
        return DiscreteTimeSurvivalLoss.loss(logits: logits, bins: outcomes.map { bins.bin(of: $0.time) }, events: outcomes.map(\.event), alpha: alpha)
    }
}

/// One risk logit per bag, the Breslow `CoxPartialLikelihood` over the bags of each step (its
/// risk sets couple them, so a step's bags run together); the validation loss is one risk set
/// over all validation bags.
public struct CoxObjective: SurvivalObjective, Sendable {
    public init() {}

    public var task: MILTask { .survival(.cox) }
    public var outputCount: Int { 1 }
    public var scope: LossScope { .step }

    public func loss(logits: Tensor, targets: [BagTarget]) -> LossValue {
        CoxPartialLikelihood.loss(risks: logits, outcomes: targets.map(survivalOutcome))
    }
}
