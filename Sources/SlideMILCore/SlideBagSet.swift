import Foundation
import MIL
import Store
import Tensor

/// Labelled bags with their identifiers: slides read from feature files, or generic bags read
/// from an instances CSV. Features are held in memory (N·D floats per bag).
public struct SlideBagSet: Sendable {
    /// Bag (slide) identifiers, parallel to `bags`.
    public var ids: [String]
    /// Features and binary labels.
    public var bags: LabelledBags
    /// Split names from a labels `split` column (`train`, `val`, `test`), nil when absent.
    public var splits: [String?]
    /// How class names map to the binary labels.
    public var mapping: SlideLabelMapping

    /// Feature width D shared by every bag.
    public var featureWidth: Int { bags.features.first?.shape[1] ?? 0 }

    /// Reads `<featuresFolder>/<slide_id>.h5` (SlideMIL, CLAM or TRIDENT layout) for every slide of
    /// `labels`.
    /// - Throws: `SlideTrainError` naming the first slide that has no file, no tile, NaNs or a
    ///   width other than the first slide's; `StoreError` for an unreadable file.
    public static func load(labels: SlideLabelTable, featuresFolder: URL, positiveClass: String?) throws -> SlideBagSet {
        let mapping = try SlideLabelMapping.infer(classes: labels.classes, positive: positiveClass)
        var features: [Tensor] = []
        var reference: (slide: String, width: Int)?
        for entry in labels.entries {
            let url = featuresFolder.appendingPathComponent(entry.slideID + ".h5")
            guard FileManager.default.fileExists(atPath: url.path) else {
                throw SlideTrainError.missingFeatures(slide: entry.slideID, path: url.path)
            }
            let file = try FeatureFile.read(from: url)
            let bag = try checkedBag(file, slide: entry.slideID, expectedWidth: reference?.width,
                                     reference: reference.map { "slide '\($0.slide)'" } ?? "")
            if reference == nil { reference = (entry.slideID, file.dimension) }
            features.append(bag)
        }
        return SlideBagSet(ids: labels.entries.map(\.slideID),
                           bags: LabelledBags(features: features, labels: labels.entries.map { $0.label == mapping.positive }),
                           splits: labels.entries.map(\.split), mapping: mapping)
    }

    /// The [N, D] feature matrix of a feature file after checking it is non-empty, finite and
    /// (when `expectedWidth` is given) `expectedWidth` wide; `reference` names what expects it.
    public static func checkedBag(_ file: FeatureFile, slide: String, expectedWidth: Int?, reference: String) throws -> Tensor {
        guard file.count > 0 else { throw SlideTrainError.emptyBag(slide: slide) }
        if let expectedWidth, file.dimension != expectedWidth {
            throw SlideTrainError.widthMismatch(slide: slide, found: file.dimension, expected: expectedWidth, reference: reference)
        }
        if let bad = file.features.firstIndex(where: { !$0.isFinite }) {
            throw SlideTrainError.nonFinite(slide: slide, row: bad / file.dimension)
        }
        return Tensor(shape: [file.count, file.dimension], storage: file.features)
    }
}
