import Foundation
import Heatmap
import Raster
import Store

/// The writers every stage shares for its small output files (pictures, tables, JSON), each
/// written atomically through `AtomicFile` so a killed run leaves the old file or none.
public enum OutputFiles {
    /// Writes `image` as a PNG at `url`, creating the folder.
    /// - Throws: `HeatmapError` when encoding fails, `StoreError.writeFailed` naming the file.
    public static func writePNG(_ image: RGBImage, to url: URL) throws {
        try AtomicFile.write(PNGCodec.encode(image), to: url)
    }

    /// Writes `value` as JSON the way run folders hold it: pretty-printed, sorted keys, and
    /// non-finite numbers as the strings `nan`, `inf`, `-inf`.
    public static func writeJSON<Value: Encodable>(_ value: Value, to url: URL) throws {
        try AtomicFile.write(json(value), to: url)
    }

    /// `value` encoded as `writeJSON` writes it.
    public static func json<Value: Encodable>(_ value: Value) throws -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        encoder.nonConformingFloatEncodingStrategy = .convertToString(positiveInfinity: "inf", negativeInfinity: "-inf", nan: "nan")
        return try encoder.encode(value)
    }

    /// Writes `lines` joined by newlines, with a final newline, as UTF-8 text.
    public static func writeLines(_ lines: [String], to url: URL) throws {
        try AtomicFile.write(Data((lines.joined(separator: "\n") + "\n").utf8), to: url)
    }

    /// One CSV cell (RFC 4180): quoted when it holds a comma, quote or line break.
    public static func csvField(_ text: String) -> String {
        guard text.contains(where: { $0 == "," || $0 == "\"" || $0.isNewline }) else { return text }
        return "\"" + text.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    }
}
