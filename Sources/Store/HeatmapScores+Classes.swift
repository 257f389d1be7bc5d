import Foundation

/// The multi-class part of an attention file: attributes `classes` (a JSON array of names),
/// `class_probabilities` (one per class) and `predicted_class`, and, for heads with one
/// attention branch per class (CLAM-MB, DSMIL), the dataset `class_attention` float32 (N, C),
/// row-aligned with `coords`. The file's `attention` dataset then holds the predicted class's
/// column, so readers that know nothing of classes draw the predicted class.
public struct ClassScores: Equatable, Sendable {
    public var names: [String]
    public var probabilities: [Double]
    public var predicted: String
    /// [C][N] attention per class, or nil when the head has one attention map for all classes.
    public var attention: [[Float]]?

    public init(names: [String], probabilities: [Double], predicted: String, attention: [[Float]]?) {
        self.names = names
        self.probabilities = probabilities
        self.predicted = predicted
        self.attention = attention
    }

    /// Reads the class part of an open attention file; nil when it has none.
    static func read(from file: HDF5File, tiles: Int, path: String) throws -> ClassScores? {
        guard let text = file.attributes["classes"]?.stringValue else { return nil }
        guard let names = try? JSONDecoder().decode([String].self, from: Data(text.utf8)), !names.isEmpty else {
            throw HeatmapScoresError.badScoresLayout(path: path, problem: "attribute 'classes' is not a JSON array of class names")
        }
        let probabilities = file.attributes["class_probabilities"]?.realValues ?? []
        guard probabilities.count == names.count, let predicted = file.attributes["predicted_class"]?.stringValue, names.contains(predicted) else {
            throw HeatmapScoresError.badScoresLayout(path: path, problem: "'classes' needs 'class_probabilities' (one per class) and 'predicted_class'")
        }
        var attention: [[Float]]?
        if file.contains("class_attention") {
            let dataset = try file.dataset("class_attention")
            let shape = try dataset.shape()
            guard shape == [tiles, names.count] else {
                throw HeatmapScoresError.badScoresLayout(path: path, problem: "'class_attention' has shape \(shape); expected (\(tiles), \(names.count))")
            }
            let values = try dataset.read(as: Float.self)
            if let bad = values.firstIndex(where: { !$0.isFinite }) { throw HeatmapScoresError.nonFiniteScore(path: path, index: bad / names.count) }
            attention = names.indices.map { c in (0..<tiles).map { values[$0 * names.count + c] } }
        }
        return ClassScores(names: names, probabilities: probabilities, predicted: predicted, attention: attention)
    }

    func write(to file: HDF5File) throws {
        let json = String(decoding: try JSONEncoder().encode(names), as: UTF8.self)
        try file.attributes.set("classes", .string(json))
        try file.attributes.set("class_probabilities", .reals(probabilities))
        try file.attributes.set("predicted_class", .string(predicted))
        if let attention, let tiles = attention.first?.count {
            let values = (0..<tiles).flatMap { i in attention.map { $0[i] } }
            try file.createDataset("class_attention", values: values, shape: [tiles, names.count])
        }
    }
}

extension HeatmapScores {
    /// These scores with `attention` and `probability` of class `name` (nil: the predicted
    /// class, i.e. the file as written). A file with one attention map for all classes keeps it
    /// and only changes the probability.
    /// - Throws: `HeatmapScoresError.unknownClass` for a name the file does not hold.
    public func selecting(class name: String?, path: String) throws -> HeatmapScores {
        guard let name else { return self }
        guard let classes, let index = classes.names.firstIndex(of: name) else {
            throw HeatmapScoresError.unknownClass(path: path, name: name, classes: classes?.names ?? [])
        }
        var chosen = self
        if let attention = classes.attention { chosen.attention = attention[index] }
        chosen.probability = classes.probabilities[index]
        return chosen
    }
}
