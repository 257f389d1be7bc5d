/// Why an attention file (`HeatmapScores`) cannot be used; each description is one line naming
/// the file and the problem.
public enum HeatmapScoresError: Error, CustomStringConvertible, Equatable {
    /// The attention scores file does not exist.
    case scoresMissing(path: String)
    /// The scores file lacks `dataset`, or it has the wrong shape.
    case badScoresLayout(path: String, problem: String)
    /// `coords` and `attention` disagree on the number of tiles.
    case countMismatch(path: String, coordinates: Int, scores: Int)
    /// A score is NaN or infinite; `index` is its row.
    case nonFiniteScore(path: String, index: Int)
    /// The scores file holds no tile.
    case noTiles(path: String)
    /// A class was asked for that the file does not name.
    case unknownClass(path: String, name: String, classes: [String])

    /// One line naming the file and the problem.
    public var description: String {
        switch self {
        case let .scoresMissing(path): return "\(path): attention scores file not found (make it with 'slidemil predict')"
        case let .badScoresLayout(path, problem): return "\(path): \(problem)"
        case let .countMismatch(path, coordinates, scores):
            return "\(path): 'coords' has \(coordinates) tiles but 'attention' has \(scores) scores"
        case let .nonFiniteScore(path, index): return "\(path): attention score \(index) is not a finite number"
        case let .noTiles(path): return "\(path): no tiles"
        case let .unknownClass(path, name, classes):
            return classes.isEmpty ? "\(path): holds one attention map and no class names; --class '\(name)' cannot be chosen"
                : "\(path): no class '\(name)' (classes: \(classes.joined(separator: ", ")))"
        }
    }
}
