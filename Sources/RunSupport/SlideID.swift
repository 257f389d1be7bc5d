/// The rules a slide id obeys before it becomes a file name (`patches/<id>.h5`, `masks/<id>.png`,
/// `attention/<id>.h5`): one plain name inside the output folder, never a path out of it.
public enum SlideID {
    /// The longest id accepted, in UTF-8 bytes (file systems allow 255 per name; this leaves room
    /// for suffixes such as `_heatmap.png` and the `.tmp-` names of atomic writes).
    public static let maximumLength = 200

    /// Why `id` cannot name files, or nil when it can: empty, too long, a `/` or `\`, a leading
    /// `.` (hidden files, `..`), or a NUL or other control character.
    public static func problem(_ id: String) -> String? {
        if id.isEmpty { return "is empty" }
        if id.utf8.count > maximumLength { return "is longer than \(maximumLength) bytes" }
        if id.contains("/") || id.contains("\\") { return "contains a path separator" }
        if id.hasPrefix(".") { return "starts with '.'" }
        if id.unicodeScalars.contains(where: { $0.properties.generalCategory == .control }) {
            return "contains a control character"
        }
        return nil
    }

    /// Throws `SlideListError.badSlideID` naming `source` (and `row`) when `id` breaks a rule.
    public static func validate(_ id: String, source: String, row: String? = nil) throws {
        if let problem = problem(id) { throw SlideListError.badSlideID(source: source, row: row, id: id, problem: problem) }
    }
}
