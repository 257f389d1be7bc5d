/// Why a heatmap could not be made; each description is one line naming the file and problem.
public enum HeatmapPipelineError: Error, CustomStringConvertible, Equatable {
    /// The slide file does not exist.
    case slideMissing(path: String)
    /// A tile lies (partly) outside the level-0 slide area.
    case tileOutsideSlide(path: String, x: Int, y: Int, slideWidth: Int, slideHeight: Int)
    /// Neither the scores file nor a patch file gives the tiles' level-0 size.
    case footprintUnknown(path: String)
    /// A picture or tile level the slide does not have.
    case levelMissing(path: String, level: Int, levels: Int)
    /// The patch file's `segmentation` attribute is not a segmentation record.
    case badSegmentationRecord(path: String, record: String)

    /// One line naming the file and the problem.
    public var description: String {
        switch self {
        case let .slideMissing(path): return "\(path): slide not found"
        case let .tileOutsideSlide(path, x, y, width, height):
            return "\(path): tile at level-0 (\(x), \(y)) lies outside the \(width) x \(height) slide (wrong slide, or coordinates not at level 0?)"
        case let .footprintUnknown(path):
            return "\(path): no 'patch_size_level0' attribute; give the patch file with --patches"
        case let .badSegmentationRecord(path, record):
            return "\(path): the 'segmentation' attribute is not a tissue segmentation record: \(record.prefix(80))"
        case let .levelMissing(path, level, levels):
            return "\(path): has no level \(level) (levels 0...\(levels - 1))"
        }
    }
}
