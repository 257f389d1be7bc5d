/// Why a heatmap could not be made; each description is one line naming the file and problem.
public enum HeatmapPipelineError: Error, CustomStringConvertible, Equatable {
    /// The slide file does not exist.
    case slideMissing(path: String)
    /// The attention scores file does not exist.
    case scoresMissing(path: String)
    /// The scores file lacks `dataset`, or it has the wrong shape.
    case badScoresLayout(path: String, problem: String)
    /// `coords` and `attention` disagree on the number of tiles.
    case countMismatch(path: String, coordinates: Int, scores: Int)
    /// A score is NaN or infinite; `index` is its row.
    case nonFiniteScore(path: String, index: Int)
    /// A tile lies (partly) outside the level-0 slide area.
    case tileOutsideSlide(path: String, x: Int, y: Int, slideWidth: Int, slideHeight: Int)
    /// Neither the scores file nor a patch file gives the tiles' level-0 size.
    case footprintUnknown(path: String)
    /// The scores file holds no tile.
    case noTiles(path: String)
    /// A picture or tile level the slide does not have.
    case levelMissing(path: String, level: Int, levels: Int)

    /// One line naming the file and the problem.
    public var description: String {
        switch self {
        case let .slideMissing(path): return "\(path): slide not found"
        case let .scoresMissing(path): return "\(path): attention scores file not found (make it with 'slidemil predict')"
        case let .badScoresLayout(path, problem): return "\(path): \(problem)"
        case let .countMismatch(path, coordinates, scores):
            return "\(path): 'coords' has \(coordinates) tiles but 'attention' has \(scores) scores"
        case let .nonFiniteScore(path, index): return "\(path): attention score \(index) is not a finite number"
        case let .tileOutsideSlide(path, x, y, width, height):
            return "\(path): tile at level-0 (\(x), \(y)) lies outside the \(width) x \(height) slide (wrong slide, or coordinates not at level 0?)"
        case let .footprintUnknown(path):
            return "\(path): no 'patch_size_level0' attribute; give the patch file with --patches"
        case let .noTiles(path): return "\(path): no tiles"
        case let .levelMissing(path, level, levels):
            return "\(path): has no level \(level) (levels 0...\(levels - 1))"
        }
    }
}
