import Foundation
import MIL
import MILTasks
import Store
import Tensor

/// One slide inside a bag: its id and how many tiles (rows) it adds, in bag order.
public struct BagMember: Codable, Equatable, Sendable {
    public var slideID: String
    public var tiles: Int

    public init(slideID: String, tiles: Int) {
        self.slideID = slideID
        self.tiles = tiles
    }
}

/// Bags for multi-class, patient (case) and survival training: features held in memory, one
/// `BagTarget` each, and the slides each bag is made of.
///
/// With a `case_id` column every case is one bag: the tiles of its slides concatenated in
/// labels-file order (CLAM's patient-level convention); `members` records each slide's rows so
/// attention can be mapped back per slide.
public struct TaskBagSet: Sendable {
    /// Bag ids: slide ids, case ids or instance-CSV bag ids.
    public var ids: [String]
    /// What the ids are, as the predictions' first column: `slide_id`, `case_id` or `bag_id`.
    public var idColumn: String
    /// One [n, D] matrix per bag.
    public var features: [Tensor]
    /// Class indices (classification) or outcomes (survival), parallel to `ids`.
    public var targets: [BagTarget]
    /// Class names in sorted order (index = class); empty for survival.
    public var classes: [String]
    public var task: TrainTask
    /// The slides of each bag (one per slide bag).
    public var members: [[BagMember]]
    /// `split` column values per bag, nil when absent.
    public var splits: [String?]
    /// `fold` column values per bag, nil when absent.
    public var foldNames: [String?]
    public var featureWidth: Int

    /// The stratum of each bag for folds and balanced sampling: the class, or the event flag.
    public var strata: [Int] { targets.map(\.stratum) }

    /// The training task: C-way classification (C = class count, also for two classes), or
    /// survival with `settings.survival`'s loss; NLL bins are fitted on `fittingOn`'s outcomes.
    /// - Throws: `SlideTrainError.tooFewSlides` when the NLL bins have no event to be fitted on.
    public func milTask(_ settings: SlideTrainSettings, fittingOn indices: [Int], classWeights: [Float]?) throws -> MILTask {
        switch task {
        case .classification:
            return .multiclass(classCount: classes.count, classWeights: classWeights)
        case .survival:
            switch settings.survival.loss {
            case .cox: return .survival(.cox)
            case .nll:
                let outcomes = indices.compactMap { index -> SurvivalOutcome? in
                    if case .survival(let outcome) = targets[index] { return outcome } else { return nil }
                }
                guard outcomes.contains(where: \.event) else {
                    throw SlideTrainError.tooFewSlides(problem: "no training bag has an event to fit survival bins on")
                }
                return .survival(.discreteTime(bins: SurvivalBins(fitting: outcomes, binCount: settings.survival.bins),
                                               alpha: settings.survival.alpha))
            }
        }
    }

    /// Whether labels need this set rather than the binary `SlideBagSet`: a survival task, more
    /// than two classes, or a `case_id` column with a value.
    public static func isNeeded(table: CSVTable, task: TrainTask, labelColumn: String = "label") -> Bool {
        if task == .survival { return true }
        if let cases = table.column("case_id"), table.rows.contains(where: { !$0[cases].trimmingCharacters(in: .whitespaces).isEmpty }) {
            return true
        }
        guard let label = table.column(labelColumn) else { return false }
        return Set(table.rows.map { $0[label].trimmingCharacters(in: .whitespaces) }).count > 2
    }

    /// Numbers class names (sorted) and builds the targets.
    /// - Throws: `SlideTrainError.tooFewSlides` with fewer than two classes.
    static func targets(_ raw: [RowTarget], task: TrainTask) throws -> (targets: [BagTarget], classes: [String]) {
        switch task {
        case .survival:
            let targets = raw.map { target -> BagTarget in
                guard case .outcome(let outcome) = target else { preconditionFailure("survival rows hold outcomes") }
                return .survival(outcome)
            }
            return (targets, [])
        case .classification:
            let names = raw.map { target -> String in
                guard case .label(let name) = target else { preconditionFailure("classification rows hold labels") }
                return name
            }
            let classes = Array(Set(names)).sorted()
            guard classes.count >= 2 else {
                throw SlideTrainError.tooFewSlides(problem: "the labels name \(classes.count) class(es) \(classes); classification needs 2 or more")
            }
            let index = Dictionary(uniqueKeysWithValues: classes.enumerated().map { ($1, $0) })
            return (names.map { BagTarget.classIndex(index[$0]!) }, classes)
        }
    }
}
