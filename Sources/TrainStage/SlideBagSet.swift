import Foundation
import MIL
import Store
import Tensor

/// Labelled bags with their identifiers: slides read from feature files, or generic bags read
/// from an instances CSV. Features are held in memory (N·D floats per bag) unless the feature
/// files are larger than the memory budget given to `load`; then they are re-read from disk one
/// slide at a time (`FeatureFileBags`).
public struct SlideBagSet: Sendable {
    /// Bag (slide) identifiers, parallel to `bags`.
    public var ids: [String]
    /// Features and binary labels.
    public var bags: any BagCollection<Bool>
    /// Split names from a labels `split` column (`train`, `val`, `test`), nil when absent.
    public var splits: [String?]
    /// Predefined fold names from a labels `fold` column, nil when absent (set by the caller).
    public var foldNames: [String?] = []
    /// How class names map to the binary labels.
    public var mapping: SlideLabelMapping

    /// Feature width D shared by every bag.
    public var featureWidth: Int

    /// A set of bags; `featureWidth` is their shared width D.
    public init(ids: [String], bags: any BagCollection<Bool>, splits: [String?], mapping: SlideLabelMapping, featureWidth: Int) {
        self.ids = ids
        self.bags = bags
        self.splits = splits
        self.mapping = mapping
        self.featureWidth = featureWidth
    }

    /// Default memory budget of `load`: 8 GiB of feature files.
    public static let defaultMemoryBudget = 8 << 30

    /// Reads `<featuresFolder>/<slide_id>.h5` (SlideMIL, CLAM or TRIDENT layout) for every slide of
    /// `labels`, checking each file once. When the files hold more than `memoryBudget` bytes of
    /// features, only the labels are kept and bags are re-read from disk when used.
    /// - Throws: `SlideTrainError` naming the first slide that has no file, no tile, NaNs or a
    ///   width other than the first slide's; `StoreError` for an unreadable file.
    public static func load(labels: SlideLabelTable, featuresFolder: URL, positiveClass: String?,
                            memoryBudget: Int = defaultMemoryBudget) throws -> SlideBagSet {
        let mapping = try SlideLabelMapping.infer(classes: labels.classes, positive: positiveClass)
        var features: [Tensor] = []
        var urls: [URL] = []
        var reference: (slide: String, width: Int)?
        var bytes = 0
        for entry in labels.entries {
            let url = featuresFolder.appendingPathComponent(entry.slideID + ".h5")
            guard FileManager.default.fileExists(atPath: url.path) else {
                throw SlideTrainError.missingFeatures(slide: entry.slideID, path: url.path)
            }
            let file = try FeatureFile.read(from: url)
            let bag = try checkedBag(file, slide: entry.slideID, expectedWidth: reference?.width,
                                     reference: reference.map { "slide '\($0.slide)'" } ?? "")
            if reference == nil { reference = (entry.slideID, file.dimension) }
            bytes += bag.count * MemoryLayout<Float>.size
            urls.append(url)
            // Past the budget, stop keeping features; the check above still covers every file.
            if bytes <= memoryBudget { features.append(bag) } else { features.removeAll() }
        }
        let ids = labels.entries.map(\.slideID), binary = labels.entries.map { $0.label == mapping.positive }
        let width = reference?.width ?? 0
        let bags: any BagCollection<Bool> = bytes <= memoryBudget
            ? LabelledBags(features: features, labels: binary)
            : FeatureFileBags(ids: ids, labels: binary, urls: urls, width: width)
        return SlideBagSet(ids: ids, bags: bags, splits: labels.entries.map(\.split), mapping: mapping, featureWidth: width)
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
