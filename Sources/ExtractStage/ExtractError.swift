/// Problems of a `slidemil extract` run or of one slide in it; each names the file at fault.
public enum ExtractError: Error, CustomStringConvertible, Equatable {
    /// The weights file cannot be read (missing, permissions).
    case weightsUnreadable(path: String, reason: String)
    /// The slide has no patch file where extraction looks for it.
    case missingPatchFile(slide: String, path: String)
    /// Patch origins lie outside the slide's level-0 area.
    case coordinatesOutsideSlide(slide: String, patchFile: String, count: Int, first: String, width: Int, height: Int)
    /// The patch file's tiles are not the size the run asked for.
    case tileSizeMismatch(slide: String, patchFile: String, patchTileSize: Int, requested: Int)
    /// The patch file names a pyramid level the slide lacks.
    case missingLevel(slide: String, patchFile: String, level: Int, levels: Int)
    /// An invalid setting (e.g. a non-positive size or a zero standard deviation).
    case invalidSetting(name: String, problem: String)

    public var description: String {
        switch self {
        case let .weightsUnreadable(path, reason):
            return "\(path): cannot read weights file (\(reason))"
        case let .missingPatchFile(slide, path):
            return "\(slide): no patch file at \(path); run 'slidemil tile' first or pass --patches"
        case let .coordinatesOutsideSlide(slide, patchFile, count, first, width, height):
            return "\(patchFile): \(count) patch origin(s) lie outside slide \(slide) (\(width) x \(height) px at level 0), first \(first); was the patch file made for another slide?"
        case let .tileSizeMismatch(slide, patchFile, patchTileSize, requested):
            return "\(patchFile): patches of slide \(slide) are \(patchTileSize) px but --tile-size is \(requested)"
        case let .missingLevel(slide, patchFile, level, levels):
            return "\(patchFile): patch level \(level) does not exist in slide \(slide) (\(levels) levels)"
        case let .invalidSetting(name, problem):
            return "\(name): \(problem)"
        }
    }
}
