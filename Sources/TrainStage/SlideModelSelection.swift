import Foundation
import MIL

/// Which trained model(s) of a `slidemil train` run folder predict: one fold, the fold with the
/// best cross-validation AUC, or all folds averaged (an ensemble). In YAML: a fold number,
/// `best` or `all`.
public enum SlideModelSelection: Codable, Equatable, Sendable {
    case fold(Int)
    /// The fold with the highest AUC in `summary.json` (lowest number on ties).
    case best
    /// Every fold; probabilities and attention are averaged over the fold models.
    case all

    /// Parses `--fold`: a fold number, `best` or `all`; nil for anything else.
    public init?(argument: String) {
        switch argument.lowercased() {
        case "best": self = .best
        case "all": self = .all
        default:
            guard let number = Int(argument), number >= 1 else { return nil }
            self = .fold(number)
        }
    }

    /// The spelling `init(argument:)` reads: the fold number, `best` or `all`.
    public var argument: String {
        switch self {
        case .fold(let number): return "\(number)"
        case .best: return "best"
        case .all: return "all"
        }
    }

    /// Decodes a fold number or the words `best` and `all`.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        let text = try (try? container.decode(Int.self)).map(String.init) ?? container.decode(String.self)
        guard let selection = SlideModelSelection(argument: text) else {
            throw DecodingError.dataCorruptedError(in: container, debugDescription: "'\(text)' is not a fold number (1 or more), best or all")
        }
        self = selection
    }

    /// Encodes as `init(from:)` reads: a number for a fold, else the word.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        if case .fold(let number) = self { try container.encode(number) } else { try container.encode(argument) }
    }

    /// The models this selection picks from `path`: a model folder (holding `model.json`; then
    /// that one model whatever the selection) or a run folder with `fold-<n>/` subfolders.
    /// - Throws: `SlideTrainError.badModel` when the folder holds no model or lacks the fold.
    public func load(from path: URL) throws -> [(model: MILModel, card: SlideModelCard)] {
        if FileManager.default.fileExists(atPath: path.appendingPathComponent("model.json").path) {
            return [try SlideModelFiles.load(from: path)]
        }
        let folds = Self.folds(in: path)
        guard !folds.isEmpty else {
            throw SlideTrainError.badModel(path: path.path, problem: "holds neither model.json nor fold-<n>/ folders; pass a model or run folder")
        }
        switch self {
        case .fold(let number):
            guard folds.contains(number) else {
                throw SlideTrainError.badModel(path: path.path, problem: "has no fold-\(number) (folds: \(folds.map(String.init).joined(separator: ", ")))")
            }
            return [try SlideModelFiles.load(from: path.appendingPathComponent("fold-\(number)"))]
        case .all:
            return try folds.map { try SlideModelFiles.load(from: path.appendingPathComponent("fold-\($0)")) }
        case .best:
            let summaryURL = path.appendingPathComponent("summary.json")
            guard let data = FileManager.default.contents(atPath: summaryURL.path),
                  let summary = try? JSONDecoder().decode(SlideTrainSummary.self, from: data), !summary.folds.isEmpty else {
                throw SlideTrainError.badModel(path: summaryURL.path, problem: "missing or unreadable; 'best' needs the run's summary")
            }
            return [try SlideModelFiles.load(from: path.appendingPathComponent("fold-\(Self.bestFold(summary))"))]
        }
    }

    /// The fold with the highest AUC, the lowest-numbered on ties; folds without an AUC count lowest.
    public static func bestFold(_ summary: SlideTrainSummary) -> Int {
        var best = summary.folds[0]
        for fold in summary.folds.dropFirst() where (fold.auc ?? -1) > (best.auc ?? -1) { best = fold }
        return best.fold
    }

    /// The fold numbers of the `fold-<n>` folders holding a model, ascending.
    private static func folds(in run: URL) -> [Int] {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: run.path)) ?? []
        return names.compactMap { name -> Int? in
            guard name.hasPrefix("fold-"), let number = Int(name.dropFirst(5)),
                  FileManager.default.fileExists(atPath: run.appendingPathComponent(name).appendingPathComponent("model.json").path) else { return nil }
            return number
        }.sorted()
    }
}
