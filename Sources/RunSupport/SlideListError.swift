/// Problems with a batch's slide list as a whole (per-slide failures go to the process list).
public enum SlideListError: Error, CustomStringConvertible, Equatable {
    /// A folder without slide files, or a CSV without rows.
    case noSlides(source: String)
    /// A slide CSV that cannot be used.
    case badSlideList(source: String, problem: String)
    /// Two slides would write the same output files.
    case duplicateSlideID(String)
    /// A slide id that cannot be a file name (see `SlideID`); `row` names the CSV row or file.
    case badSlideID(source: String, row: String?, id: String, problem: String)

    public var description: String {
        switch self {
        case let .noSlides(source):
            return "\(source): no slides found (expected slide files such as .svs, .tif, .ndpi, or a CSV with a path column)"
        case let .badSlideList(source, problem):
            return "\(source): \(problem)"
        case let .duplicateSlideID(id):
            return "two slides share the id '\(id)'; give them distinct slide_id values in a CSV"
        case let .badSlideID(source, row, id, problem):
            let escaped = id.unicodeScalars.map { $0.properties.generalCategory == .control ? "\\u{\(String($0.value, radix: 16))}" : String($0) }.joined()
            return "\(source)\(row.map { ": \($0)" } ?? ""): slide id '\(escaped)' \(problem) (ids name output files: no '/', no leading '.', no control characters)"
        }
    }
}
