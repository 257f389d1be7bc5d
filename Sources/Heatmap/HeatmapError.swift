/// Errors from image encoding and decoding in the Heatmap module.
public enum HeatmapError: Error, CustomStringConvertible, Equatable {
    /// libpng could not encode the image; `reason` is libpng's message.
    case pngEncodingFailed(reason: String)
    /// The bytes (from `source`, a file path or "memory") are not a readable PNG.
    case pngDecodingFailed(source: String, reason: String)

    /// One line naming the source and the problem.
    public var description: String {
        switch self {
        case let .pngEncodingFailed(reason):
            return "PNG encoding failed: \(reason)"
        case let .pngDecodingFailed(source, reason):
            return "\(source): not a readable PNG (\(reason))"
        }
    }
}
