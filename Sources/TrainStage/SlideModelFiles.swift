import Foundation
import MIL
import NN
import RunSupport
import Store

/// Everything needed to rebuild a trained model, stored as `model.json` beside `model.safetensors`.
public struct SlideModelCard: Codable, Equatable, Sendable {
    /// Identifies the file kind.
    public var format = "slidemil-mil-model"
    /// Bumped when the layout changes.
    public var version = 1
    /// Instance feature width D the model expects.
    public var inputWidth: Int
    /// Pooling, classifier and widths.
    public var model: MILModelConfiguration
    /// Class names of 1 and 0.
    public var labels: SlideLabelMapping
    /// The cross-validation fold the model was trained in (1 without folds).
    public var fold: Int

    /// A card for a model of this architecture, width, label mapping and fold.
    public init(inputWidth: Int, model: MILModelConfiguration, labels: SlideLabelMapping, fold: Int) {
        self.inputWidth = inputWidth
        self.model = model
        self.labels = labels
        self.fold = fold
    }
}

/// Saving and loading a model folder: `model.safetensors` (parameter names `pooling.*`,
/// `classifier.*`) and `model.json` (a `SlideModelCard`).
public enum SlideModelFiles {
    /// Writes both files atomically into `folder` (created if missing).
    public static func save(_ model: MILModel, card: SlideModelCard, to folder: URL) throws {
        try AtomicFile.write(to: folder.appendingPathComponent("model.safetensors")) { temporary in
            try SafeTensorsArchive.write(model.stateDictionary(), metadata: ["format": card.format], to: temporary)
        }
        try OutputFiles.writeJSON(card, to: folder.appendingPathComponent("model.json"))
    }

    /// The model folder for `path`: `path` itself when it holds `model.json`, else the run folder's
    /// `fold-<fold>` subfolder.
    public static func resolve(_ path: URL, fold: Int) -> URL {
        if FileManager.default.fileExists(atPath: path.appendingPathComponent("model.json").path) { return path }
        return path.appendingPathComponent("fold-\(fold)")
    }

    /// Rebuilds the model of a folder written by `save`.
    /// - Throws: `SlideTrainError.badModel` for a missing or unreadable card; `StateDictionaryError`
    ///   when the weights do not fit the card's architecture.
    public static func load(from folder: URL) throws -> (model: MILModel, card: SlideModelCard) {
        let cardURL = folder.appendingPathComponent("model.json")
        guard let data = FileManager.default.contents(atPath: cardURL.path) else {
            throw SlideTrainError.badModel(path: cardURL.path, problem: "missing; pass a model folder or a run folder")
        }
        let card: SlideModelCard
        do {
            card = try JSONDecoder().decode(SlideModelCard.self, from: data)
        } catch {
            throw SlideTrainError.badModel(path: cardURL.path, problem: "is not a model description (\(error))")
        }
        guard card.format == "slidemil-mil-model", card.inputWidth > 0 else {
            throw SlideTrainError.badModel(path: cardURL.path, problem: "is not a model description (format '\(card.format)')")
        }
        let model = card.model.makeModel(inputWidth: card.inputWidth, seed: 0)
        try model.loadState(contentsOf: folder.appendingPathComponent("model.safetensors"))
        return (model, card)
    }
}
