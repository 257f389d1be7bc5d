import Foundation
import MIL
import RunSupport
import Store
import TrainStage

/// One slide's prediction.
public struct SlidePrediction: Equatable, Sendable {
    public var slideID: String
    /// P(positive class).
    public var probability: Float
    /// Class name at threshold 0.5.
    public var predictedLabel: String
    /// Number of tiles (instances) in the bag.
    public var tileCount: Int
    /// The pooling's weight of each tile, in the feature file's row order (sums to 1).
    public var attention: [Float]
    /// Level-0 tile corners from the feature file, row-aligned with `attention` (may be empty).
    public var coordinates: [PatchCoordinate]
    /// Tile side in level-0 pixels, when the feature file records it.
    public var patchSizeLevel0: Int?
}

/// `slidemil predict`: applies a trained model, or an ensemble of fold models, to feature files.
///
/// With several models (`SlideModelSelection.all`) a slide's probability is the mean of the
/// models' probabilities and each tile's attention the mean of their attention weights (still
/// summing to 1); the models must share input width and class names.
///
/// Writes `predictions.csv` (`slide_id,probability,predicted_label,tiles`) and, per slide,
/// `attention/<slide_id>.h5` with `coords` int64 (N, 2) (level-0 corners copied from the feature
/// file) and `attention` float32 (N) in the same row order, plus file attributes `probability`
/// and (when the feature file records it) `patch_size_level0`: the layout `HeatmapScores` reads,
/// so `slidemil heatmap` needs no patch file and its legend shows the prediction.
/// Feature files are never modified. Every slide is read and checked before anything is written,
/// so a bad slide (wrong width, no tile, NaN) stops the run with no output; each file is
/// written atomically.
public struct SlidePredictPipeline {
    public var models: [MILModel]
    /// The first model's card: input width and class names, shared by every model.
    public var card: SlideModelCard

    /// A pipeline for a loaded model (see `SlideModelFiles.load`).
    public init(model: MILModel, card: SlideModelCard) {
        self.models = [model]
        self.card = card
    }

    /// A pipeline averaging `models` (see `SlideModelSelection.load`).
    /// - Throws: `SlideTrainError.badModel` when there is no model or they disagree on input
    ///   width or class names.
    public init(models: [(model: MILModel, card: SlideModelCard)]) throws {
        guard let first = models.first else { throw SlideTrainError.badModel(path: "(none)", problem: "no model was given to predict with") }
        for (_, card) in models.dropFirst() where card.inputWidth != first.card.inputWidth || card.labels != first.card.labels {
            throw SlideTrainError.badModel(path: "fold \(card.fold)", problem: "input width or classes differ from fold \(first.card.fold)'s")
        }
        self.models = models.map(\.model)
        self.card = first.card
    }

    /// Slide ids of the feature files in `folder` (`*.h5`, hidden temporary files skipped), sorted.
    public static func slideIDs(in folder: URL) throws -> [String] {
        let names: [String]
        do {
            names = try FileManager.default.contentsOfDirectory(atPath: folder.path)
        } catch {
            throw StoreError.cannotOpen(path: folder.path, reason: error.localizedDescription)
        }
        let ids = names.filter { $0.hasSuffix(".h5") && !$0.hasPrefix(".") }.map { String($0.dropLast(3)) }.sorted()
        guard !ids.isEmpty else { throw SlideTrainError.noFeatureFiles(folder: folder.path) }
        return ids
    }

    /// The `.h5` files in `folder` that `slideIDs(in:)` passes over because their names start
    /// with a dot (not a valid slide id), leaving out our own temporary files; sorted. Callers
    /// report them, so a slide is never dropped silently.
    public static func hiddenFeatureFiles(in folder: URL) -> [String] {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: folder.path)) ?? []
        return names.filter { $0.hasPrefix(".") && $0.hasSuffix(".h5") && !AtomicFile.isTemporary(URL(fileURLWithPath: $0)) }.sorted()
    }

    /// Predicts every slide of `slideIDs` from `<featuresFolder>/<slide_id>.h5`.
    /// - Throws: `SlideListError.badSlideID` for an id that is not a plain file name (checked for
    ///   all ids before any file is read), `SlideTrainError` naming the first slide that is
    ///   missing, empty, non-finite or of the wrong width for the model.
    public func predict(slideIDs: [String], featuresFolder: URL) throws -> [SlidePrediction] {
        for (index, slide) in slideIDs.enumerated() {
            try SlideID.validate(slide, source: featuresFolder.path, row: "slide \(index + 1)")
        }
        return try slideIDs.map { slide in
            let url = featuresFolder.appendingPathComponent(slide + ".h5")
            guard FileManager.default.fileExists(atPath: url.path) else {
                throw SlideTrainError.missingFeatures(slide: slide, path: url.path)
            }
            let file = try FeatureFile.read(from: url)
            let bag = try SlideBagSet.checkedBag(file, slide: slide, expectedWidth: card.inputWidth, reference: "the model")
            let batch = try BagBatch(bags: [bag])
            var probability: Float = 0
            var attention = [Float](repeating: 0, count: file.count)
            for model in models {
                let output = model.predict(batch)[0]
                probability += output.probability / Float(models.count)
                for (index, weight) in output.instanceWeights.enumerated() { attention[index] += weight / Float(models.count) }
            }
            // Finite features and weights can still overflow (huge logits); never write NaN.
            guard probability.isFinite, attention.allSatisfy(\.isFinite) else {
                throw SlideTrainError.nonFinitePrediction(slide: slide, path: url.path)
            }
            return SlidePrediction(slideID: slide, probability: probability,
                                   predictedLabel: card.labels.name(probability >= 0.5), tileCount: file.count,
                                   attention: attention, coordinates: file.coordinates,
                                   patchSizeLevel0: file.metadata?.patchSizeLevel0)
        }
    }

    /// Writes `predictions.csv` and `attention/<slide_id>.h5` into `outputFolder`.
    public static func write(_ predictions: [SlidePrediction], to outputFolder: URL) throws {
        let layout = RunLayout(root: outputFolder.path)
        for prediction in predictions {
            let url = layout.attentionFile(prediction.slideID)
            try HeatmapScores(coordinates: prediction.coordinates, attention: prediction.attention,
                              patchSizeLevel0: prediction.patchSizeLevel0, probability: Double(prediction.probability)).write(to: url)
        }
        var lines = ["slide_id,probability,predicted_label,tiles"]
        for prediction in predictions {
            lines.append("\(OutputFiles.csvField(prediction.slideID)),\(String(format: "%.6f", prediction.probability)),\(OutputFiles.csvField(prediction.predictedLabel)),\(prediction.tileCount)")
        }
        try AtomicFile.write(Data((lines.joined(separator: "\n") + "\n").utf8), to: layout.predictionsCSV)
    }
}
