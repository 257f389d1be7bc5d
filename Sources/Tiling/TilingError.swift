/// Failures of tissue segmentation, grid planning and tile reading.
public enum TilingError: Error, CustomStringConvertible, Equatable {
    /// Neither the slide metadata, an override nor the objective power gives the level-0 resolution.
    case unknownResolution(slide: String)
    /// A parameter is outside its valid range.
    case invalidParameter(name: String, value: String, reason: String)
    /// A slide whose level 0 has no pixels.
    case emptySlide(slide: String)
    /// The tile footprint does not fit inside the slide at all.
    case tileLargerThanSlide(slide: String, footprint: Int, width: Int, height: Int)
    /// Reading one tile failed; `reason` is the backend's own message.
    case tileRead(slide: String, x: Int, y: Int, reason: String)

    public var description: String {
        switch self {
        case let .unknownResolution(slide):
            return "\(slide): resolution unknown (no microns-per-pixel and no objective power in the metadata); pass an mpp override"
        case let .invalidParameter(name, value, reason):
            return "invalid \(name) \(value): \(reason)"
        case let .emptySlide(slide):
            return "\(slide): level 0 has no pixels"
        case let .tileLargerThanSlide(slide, footprint, width, height):
            return "\(slide): a \(footprint) px level-0 tile does not fit in the \(width) x \(height) slide"
        case let .tileRead(slide, x, y, reason):
            return "\(slide): cannot read the tile at level-0 (\(x), \(y)): \(reason)"
        }
    }
}
