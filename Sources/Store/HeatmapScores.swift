import Foundation

/// Per-tile attention for one slide, as `slidemil predict` writes it (`attention/<slide_id>.h5`):
/// datasets `coords` (int32 or int64, N x 2, level-0 top-left x, y) and `attention` (float, N or
/// N x 1), attributes `patch_size_level0` and `probability` on the file or on either dataset. A
/// feature `.h5` that carries an `attention` dataset is read the same way.
public struct HeatmapScores: Sendable {
    /// Level-0 top-left corner of each tile.
    public var coordinates: [PatchCoordinate]
    /// Raw attention of each tile, same order.
    public var attention: [Float]
    /// Tile side in level-0 px, when the file records it.
    public var patchSizeLevel0: Int?
    /// The slide's predicted probability, when the file records it.
    public var probability: Double?
    /// Multi-class predictions: class names, their probabilities, the predicted class and, for
    /// heads with one attention branch per class, each class's attention (see `HeatmapScores+Classes`).
    public var classes: ClassScores?

    /// Scores from their parts.
    public init(coordinates: [PatchCoordinate], attention: [Float], patchSizeLevel0: Int? = nil, probability: Double? = nil) {
        self.coordinates = coordinates
        self.attention = attention
        self.patchSizeLevel0 = patchSizeLevel0
        self.probability = probability
    }

    /// Reads and checks the scores file at `url`.
    /// - Throws: `HeatmapScoresError` (missing file, layout, count mismatch, NaN, no tiles) or
    ///   the `StoreError` of an unreadable HDF5 file.
    public static func read(from url: URL) throws -> HeatmapScores {
        guard FileManager.default.fileExists(atPath: url.path) else { throw HeatmapScoresError.scoresMissing(path: url.path) }
        let file = try HDF5File.open(url)
        defer { file.close() }
        for name in ["coords", "attention"] where !file.contains(name) {
            throw HeatmapScoresError.badScoresLayout(path: url.path, problem: "no '\(name)' dataset (expected coords N x 2 and attention N)")
        }
        let coordsSet = try file.dataset("coords"), attentionSet = try file.dataset("attention")
        let coordsShape = try coordsSet.shape(), attentionShape = try attentionSet.shape()
        guard coordsShape.count == 2, coordsShape[1] == 2 else {
            throw HeatmapScoresError.badScoresLayout(path: url.path, problem: "'coords' has shape \(coordsShape); expected (N, 2)")
        }
        guard attentionShape.count == 1 || (attentionShape.count == 2 && attentionShape[1] == 1) else {
            throw HeatmapScoresError.badScoresLayout(path: url.path, problem: "'attention' has shape \(attentionShape); expected (N)")
        }
        guard coordsShape[0] == attentionShape[0] else {
            throw HeatmapScoresError.countMismatch(path: url.path, coordinates: coordsShape[0], scores: attentionShape[0])
        }
        guard coordsShape[0] > 0 else { throw HeatmapScoresError.noTiles(path: url.path) }
        let flat = try coordsSet.read(as: Int64.self)
        let coordinates = stride(from: 0, to: flat.count, by: 2).map { PatchCoordinate(x: Int(flat[$0]), y: Int(flat[$0 + 1])) }
        let attention = try attentionSet.read(as: Float.self)
        if let bad = attention.firstIndex(where: { !$0.isFinite }) {
            throw HeatmapScoresError.nonFiniteScore(path: url.path, index: bad)
        }
        let places = [file.attributes, attentionSet.attributes, coordsSet.attributes]
        let side = places.lazy.compactMap { $0["patch_size_level0"]?.integerValue }.first
        let probability = places.lazy.compactMap { $0["probability"]?.realValue }.first
        var scores = HeatmapScores(coordinates: coordinates, attention: attention, patchSizeLevel0: side.map(Int.init),
                                   probability: probability)
        scores.classes = try ClassScores.read(from: file, tiles: coordinates.count, path: url.path)
        return scores
    }

    /// Writes the layout `read` accepts (used by tests and by tools that make scores), atomically.
    public func write(to url: URL) throws {
        try HDF5File.writeAtomically(to: url) { file in
            try file.createDataset("coords", values: coordinates.flatMap { [Int64($0.x), Int64($0.y)] }, shape: [coordinates.count, 2])
            try file.createDataset("attention", values: attention, shape: [attention.count])
            if let patchSizeLevel0 { try file.attributes.set("patch_size_level0", .integer(Int64(patchSizeLevel0))) }
            if let probability { try file.attributes.set("probability", .real(probability)) }
            try classes?.write(to: file)
        }
    }
}
