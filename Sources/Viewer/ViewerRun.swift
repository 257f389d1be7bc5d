import Foundation
import RunSupport
import Store

/// One slide of a run as the viewer lists it. Encoded for the pages without the slide file's
/// path (`hasSlide` says whether there is one): the browser needs no paths of the disk.
public struct ViewerSlide: Sendable, Equatable, Encodable {
    /// The slide id (a safe file name, checked with `SlideID`).
    public let id: String
    /// The slide file, when the run's slide list names one.
    public let path: String?
    /// The true label from the run's label files, when there is one.
    public let label: String?
    /// Predicted probability of the positive class (binary runs), from predictions.csv.
    public let probability: Double?
    /// Per-class probabilities from predictions.csv's `p_<class>` columns, in column order.
    public let classProbabilities: [ClassProbability]
    /// The predicted label, from predictions.csv.
    public let predictedLabel: String?
    /// Tiles (bag size) the prediction used.
    public let tiles: Int?
    /// Whether `attention/<id>.h5` exists.
    public let hasAttention: Bool
    /// Whether the heatmap picture exists.
    public let hasHeatmap: Bool

    private enum CodingKeys: String, CodingKey {
        case id, label, probability, classProbabilities, predictedLabel, tiles, hasAttention, hasHeatmap, hasSlide
    }

    public func encode(to encoder: Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(id, forKey: .id)
        try container.encodeIfPresent(label, forKey: .label)
        try container.encodeIfPresent(probability, forKey: .probability)
        try container.encode(classProbabilities, forKey: .classProbabilities)
        try container.encodeIfPresent(predictedLabel, forKey: .predictedLabel)
        try container.encodeIfPresent(tiles, forKey: .tiles)
        try container.encode(hasAttention, forKey: .hasAttention)
        try container.encode(hasHeatmap, forKey: .hasHeatmap)
        try container.encode(path != nil, forKey: .hasSlide)
    }
}

/// A class name and its predicted probability.
public struct ClassProbability: Sendable, Equatable, Encodable {
    public let name: String
    public let probability: Double
}

/// What `slidemil view` serves: a run folder (the output of `pipeline`, `demo` or `predict`), its
/// predictions, attention files and heatmaps, and the slides its slide list names.
///
/// A pipeline folder keeps predictions in `predictions/` and heatmaps in `heatmaps/`; a predict
/// folder keeps `predictions.csv` and `attention/` at its top. The slide list is the folder's
/// `slides.csv`, or its parent's (a predict folder inside a pipeline folder).
public struct ViewerRun: Sendable {
    /// The run folder, with symlinks resolved: no served run file lies outside it.
    public let root: URL
    /// The folder holding predictions.csv and attention/.
    public let predictionsFolder: URL
    /// The folder holding `<id>_heatmap.png`, `top_tiles/` and `bottom_tiles/`, when there is one.
    public let heatmapFolder: URL?
    /// The folder holding patches/<id>.h5, when there is one.
    public let patchFolder: URL?
    /// Slides in predictions.csv order, then slides listed without a prediction.
    public let slides: [ViewerSlide]
    /// Class names from the `p_<class>` columns of predictions.csv (empty for binary runs).
    public let classNames: [String]

    /// Reads the run at `path`.
    /// - Throws: `ViewerError.notARun` when the folder holds neither predictions.csv nor
    ///   predictions/predictions.csv, or the library errors of a malformed CSV (naming the file).
    public init(path: String) throws {
        let given = URL(fileURLWithPath: path)
        var isFolder: ObjCBool = false
        guard FileManager.default.fileExists(atPath: given.path, isDirectory: &isFolder), isFolder.boolValue else {
            throw ViewerError.notARun(path: path, reason: "no such folder")
        }
        root = given.resolvingSymlinksInPath().standardizedFileURL
        let fileManager = FileManager.default
        if fileManager.fileExists(atPath: root.appendingPathComponent("predictions/predictions.csv").path) {
            predictionsFolder = root.appendingPathComponent("predictions")
        } else if fileManager.fileExists(atPath: root.appendingPathComponent("predictions.csv").path) {
            predictionsFolder = root
        } else {
            throw ViewerError.notARun(path: path, reason: "neither predictions.csv nor predictions/predictions.csv")
        }
        let heatmaps = root.appendingPathComponent("heatmaps")
        heatmapFolder = fileManager.fileExists(atPath: heatmaps.path) ? heatmaps : nil
        let patches = root.appendingPathComponent("patches")
        patchFolder = fileManager.fileExists(atPath: patches.path) ? patches : nil

        let predictions = try CSVTable.read(from: predictionsFolder.appendingPathComponent("predictions.csv"))
        let slideFiles = try Self.slideFiles(root: root)
        let labels = Self.labels(root: root)
        let classColumns = predictions.header.enumerated().filter { $0.element.hasPrefix("p_") && $0.element.count > 2 }
        classNames = classColumns.map { String($0.element.dropFirst(2)) }
        let idColumn = predictions.column("slide_id")
        guard let idColumn else {
            throw ViewerError.notARun(path: predictionsFolder.appendingPathComponent("predictions.csv").path,
                                      reason: "no 'slide_id' column")
        }
        let probabilityColumn = predictions.column("probability")
        let predictedColumn = predictions.column("predicted_label")
        let tilesColumn = predictions.column("tiles")
        var seen = Set<String>()
        var slides: [ViewerSlide] = []
        let attention = predictionsFolder.appendingPathComponent("attention")
        for row in predictions.rows {
            let id = row[idColumn]
            guard SlideID.problem(id) == nil, seen.insert(id).inserted else { continue }
            slides.append(ViewerSlide(
                id: id, path: slideFiles[id], label: labels[id],
                probability: probabilityColumn.flatMap { Double(row[$0]) },
                classProbabilities: classColumns.compactMap { column in
                    Double(row[column.offset]).map { ClassProbability(name: String(column.element.dropFirst(2)), probability: $0) }
                },
                predictedLabel: predictedColumn.map { row[$0] },
                tiles: tilesColumn.flatMap { Int(row[$0]) },
                hasAttention: fileManager.fileExists(atPath: attention.appendingPathComponent("\(id).h5").path),
                hasHeatmap: heatmapFolder.map { fileManager.fileExists(atPath: $0.appendingPathComponent("\(id)_heatmap.png").path) } ?? false))
        }
        for (id, path) in slideFiles.sorted(by: { $0.key < $1.key }) where !seen.contains(id) {
            slides.append(ViewerSlide(id: id, path: path, label: labels[id], probability: nil, classProbabilities: [],
                                      predictedLabel: nil, tiles: nil, hasAttention: false, hasHeatmap: false))
        }
        self.slides = slides
    }

    /// The slide with `id`, if the run lists it.
    public func slide(_ id: String) -> ViewerSlide? { slides.first { $0.id == id } }

    /// `attention/<id>.h5` of a listed slide.
    public func attentionFile(_ id: String) -> URL {
        predictionsFolder.appendingPathComponent("attention/\(id).h5")
    }

    /// Slide id → slide file, from `slides.csv` in the run folder or its parent.
    private static func slideFiles(root: URL) throws -> [String: String] {
        for folder in [root, root.deletingLastPathComponent()] {
            let list = folder.appendingPathComponent("slides.csv")
            guard FileManager.default.fileExists(atPath: list.path) else { continue }
            let entries = try SlideEntry.resolve(list.path)
            return Dictionary(entries.map { ($0.slideID, $0.path) }, uniquingKeysWith: { first, _ in first })
        }
        return [:]
    }

    /// Slide id → true label, from the split files a pipeline writes (`splits/*.csv`) or a
    /// `labels.csv` in the run folder; unreadable files are passed over (labels are optional).
    private static func labels(root: URL) -> [String: String] {
        var labels: [String: String] = [:]
        let splits = root.appendingPathComponent("splits")
        let splitFiles = ((try? FileManager.default.contentsOfDirectory(atPath: splits.path)) ?? [])
            .filter { $0.hasSuffix(".csv") }.sorted().map { splits.appendingPathComponent($0) }
        for file in splitFiles + [root.appendingPathComponent("labels.csv")] {
            guard let table = try? SlideLabelTable.read(from: file) else { continue }
            for entry in table.entries where labels[entry.slideID] == nil { labels[entry.slideID] = entry.label }
        }
        return labels
    }
}
