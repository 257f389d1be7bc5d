/// Why a slide could not be opened, read or written. Every case names the file it is about.
public enum SlideError: Error, CustomStringConvertible, Equatable {
    /// Nothing exists at `path`.
    case fileNotFound(path: String)
    /// The file exists but this process may not read it.
    case permissionDenied(path: String)
    /// `path` is a directory or another non-regular file.
    case notAFile(path: String)
    /// The file has zero bytes (an interrupted copy or download, usually).
    case emptyFile(path: String)
    /// No backend recognises the file; `found` says what it looks like, `advice` what to do.
    case unsupportedFormat(path: String, found: String, advice: String)
    /// The format is recognised but the file is damaged; `reason` is the library's own message.
    case corrupt(path: String, reason: String)
    /// A region read failed (a corrupt tile, usually). `x`, `y` are level-0 pixels.
    case readFailed(path: String, level: Int, x: Int, y: Int, width: Int, height: Int, reason: String)
    /// The request itself is impossible (unknown level, negative or absurd size).
    case invalidRegion(path: String, level: Int, x: Int, y: Int, width: Int, height: Int, reason: String)
    /// The slide has no associated image of that name.
    case associatedImageNotFound(path: String, name: String, available: [String])
    /// Writing a slide failed; nothing is left at `path`.
    case writeFailed(path: String, reason: String)
    /// A writer or generator was configured with values it cannot honour.
    case invalidConfiguration(reason: String)

    public var description: String {
        switch self {
        case let .fileNotFound(path):
            return "\(path): no such file"
        case let .permissionDenied(path):
            return "\(path): permission denied (the file is not readable by this user)"
        case let .notAFile(path):
            return "\(path): not a regular file"
        case let .emptyFile(path):
            return "\(path): the file is empty (0 bytes); was the copy or download interrupted?"
        case let .unsupportedFormat(path, found, advice):
            return "\(path): unsupported slide format: \(found); \(advice)"
        case let .corrupt(path, reason):
            return "\(path): the slide is damaged: \(reason)"
        case let .readFailed(path, level, x, y, width, height, reason):
            return "\(path): cannot read \(width) x \(height) px of level \(level) at level-0 (\(x), \(y)): \(reason)"
        case let .invalidRegion(path, level, x, y, width, height, reason):
            return "\(path): invalid region \(width) x \(height) px of level \(level) at level-0 (\(x), \(y)): \(reason)"
        case let .associatedImageNotFound(path, name, available):
            let list = available.isEmpty ? "none" : available.joined(separator: ", ")
            return "\(path): no associated image named '\(name)' (available: \(list))"
        case let .writeFailed(path, reason):
            return "\(path): cannot write the slide: \(reason)"
        case let .invalidConfiguration(reason):
            return "invalid slide configuration: \(reason)"
        }
    }
}
