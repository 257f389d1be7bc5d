import Foundation
import MIL
import NN
import Tensor

/// What a bag is labelled with, for the task it belongs to.
public enum BagTarget: Equatable, Sendable, Codable {
    /// A binary label (true = positive).
    case binary(Bool)
    /// A class index in 0..<C.
    case classIndex(Int)
    /// A right-censored outcome.
    case survival(SurvivalOutcome)
}

/// How a survival head is trained.
public enum SurvivalLossKind: Equatable, Sendable, Codable {
    /// K hazard logits per bag, PORPOISE/MCAT's negative log-likelihood over `bins`, with the
    /// extra uncensored weight `alpha` (see `DiscreteTimeSurvivalLoss`).
    case discreteTime(bins: SurvivalBins, alpha: Float)
    /// One risk logit per bag, the Breslow Cox partial likelihood over the bags of each step
    /// (see `CoxPartialLikelihood`); steps need several bags with an event to carry signal.
    case cox
}

/// A MIL learning task: the number of logits a head must give per bag, the loss on them, the
/// score reported per bag and the validation measure.
public enum MILTask: Equatable, Sendable, Codable {
    /// One logit per bag, BCE with logits; `classWeights` [negative, positive] or nil for (1, 1),
    /// normalised by the batch's total weight as `BagwiseTrainer` does.
    case binary(classWeights: [Float]?)
    /// C ≥ 2 logits per bag, softmax cross-entropy with optional per-class weights.
    case multiclass(classCount: Int, classWeights: [Float]?)
    /// Survival with the chosen loss.
    case survival(SurvivalLossKind)

    /// Logits per bag the head must produce.
    public var outputCount: Int {
        switch self {
        case .binary: return 1
        case .multiclass(let classCount, _): return classCount
        case .survival(.discreteTime(let bins, _)): return bins.count
        case .survival(.cox): return 1
        }
    }

    /// The loss of [B, outputCount] logits against B targets of this task's kind, and
    /// dLoss/dLogits. A mean over bags (weighted where the task has class weights).
    /// - Precondition: every target matches the task's kind.
    public func loss(logits: Tensor, targets: [BagTarget]) -> LossValue {
        precondition(logits.rank == 2 && logits.shape == [targets.count, outputCount], "logits \(logits.shape) for \(targets.count) bags of a \(outputCount)-output task")
        switch self {
        case .binary(let classWeights):
            let labels = targets.map { target -> Bool in
                guard case .binary(let label) = target else { preconditionFailure("a binary task needs binary targets") }
                return label
            }
            let weights = labels.map { classWeights?[$0 ? 1 : 0] ?? 1 }
            let total = weights.reduce(0, +)
            var value: Float = 0
            var gradient = Tensor(shape: logits.shape)
            for b in labels.indices {
                let x = logits.storage[b], y: Float = labels[b] ? 1 : 0
                value += weights[b] * (max(x, 0) - x * y + log1pf(expf(-abs(x)))) / total
                gradient.storage[b] = weights[b] * (Sigmoid.logistic(x) - y) / total
            }
            return LossValue(value: value, gradient: gradient)
        case .multiclass(_, let classWeights):
            let classes = targets.map { target -> Int in
                guard case .classIndex(let c) = target else { preconditionFailure("a multi-class task needs class targets") }
                return c
            }
            return WeightedCrossEntropy.loss(logits: logits, classes: classes, classWeights: classWeights)
        case .survival(let kind):
            let outcomes = targets.map { target -> SurvivalOutcome in
                guard case .survival(let outcome) = target else { preconditionFailure("a survival task needs survival targets") }
                return outcome
            }
            switch kind {
            case let .discreteTime(bins, alpha):
                return DiscreteTimeSurvivalLoss.loss(logits: logits, bins: outcomes.map { bins.bin(of: $0.time) }, events: outcomes.map(\.event), alpha: alpha)
            case .cox:
                return CoxPartialLikelihood.loss(risks: logits, outcomes: outcomes)
            }
        }
    }

    /// Per-bag scores from [B, outputCount] logits: the positive-class probability (binary), the
    /// C class probabilities (multi-class), or a risk score, higher = earlier event (survival:
    /// −Σ_k S_k for discrete time, the log-hazard for Cox).
    public func scores(logits: Tensor) -> [[Double]] {
        let b = logits.shape[0], c = logits.shape[1]
        let rows = (0..<b).map { i in (0..<c).map { Double(logits.storage[i * c + $0]) } }
        switch self {
        case .binary:
            return rows.map { [DiscreteTimeSurvivalLoss.sigmoid($0[0])] }
        case .multiclass:
            return rows.map { row in
                let top = row.max()!
                let e = row.map { Foundation.exp($0 - top) }
                let total = e.reduce(0, +)
                return e.map { $0 / total }
            }
        case .survival(.discreteTime):
            return DiscreteTimeSurvivalLoss.risk(logits: logits).map { [$0] }
        case .survival(.cox):
            return rows
        }
    }
}
