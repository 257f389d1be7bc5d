import Foundation
import MIL
import NN
import Tensor

/// What a task bag is labelled with.
public enum BagTarget: Equatable, Sendable, Codable {
    /// A class index in 0..<C.
    case classIndex(Int)
    /// A right-censored outcome.
    case survival(SurvivalOutcome)

    /// The stratum of balanced sampling and stratified folds: the class, or the event flag
    /// (events and censored bags drawn equally).
    public var stratum: Int {
        switch self {
        case .classIndex(let c): return c
        case .survival(let outcome): return outcome.event ? 1 : 0
        }
    }
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

/// A multi-class or survival MIL task: the number of logits a head must give per bag, the
/// objective `MILTrainer` trains it on, and the score reported per bag. (Binary bags train on
/// `MIL.BinaryObjective`.)
public enum MILTask: Equatable, Sendable, Codable {
    /// C ≥ 2 logits per bag, softmax cross-entropy with optional per-class weights.
    case multiclass(classCount: Int, classWeights: [Float]?)
    /// Survival with the chosen loss.
    case survival(SurvivalLossKind)

    /// Logits per bag the head must produce.
    public var outputCount: Int {
        switch self {
        case .multiclass(let classCount, _): return classCount
        case .survival(.discreteTime(let bins, _)): return bins.count
        case .survival(.cox): return 1
        }
    }

    /// The loss, bag weights, validation loss and measure of this task.
    public var objective: any MILObjective<BagTarget, TaskMeasure> {
        switch self {
        case let .multiclass(classCount, classWeights): return MulticlassObjective(classCount: classCount, classWeights: classWeights)
        case let .survival(.discreteTime(bins, alpha)): return DiscreteTimeSurvivalObjective(bins: bins, alpha: alpha)
        case .survival(.cox): return CoxObjective()
        }
    }

    /// Per-bag scores from [B, outputCount] logits: the C class probabilities (multi-class), or
    /// a risk score, higher = earlier event (survival: −Σ_k S_k for discrete time, the log-hazard
    /// for Cox).
    public func scores(logits: Tensor) -> [[Double]] {
        let b = logits.shape[0], c = logits.shape[1]
        let rows = (0..<b).map { i in (0..<c).map { Double(logits.storage[i * c + $0]) } }
        switch self {
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
