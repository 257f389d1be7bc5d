import Foundation
import Store

/// One slide to tile: its file, the identifier its outputs are named after, an optional mpp.
public struct TileInput: Sendable, Equatable {
    /// The slide file.
    public var path: String
    /// Output name: the file name without extension, or a CSV's `slide_id`.
    public var slideID: String
    /// Level-0 µm/px for this slide only (a CSV `mpp` column).
    public var mppOverride: Double?

    public init(path: String, slideID: String? = nil, mppOverride: Double? = nil) {
        self.path = path
        self.slideID = slideID ?? ((path as NSString).lastPathComponent as NSString).deletingPathExtension
        self.mppOverride = mppOverride
    }

    /// File extensions taken as slides when a folder is given (OpenSlide's formats).
    public static let slideExtensions: Set<String> = ["svs", "tif", "tiff", "ndpi", "vms", "vmu", "scn", "mrxs", "svslide", "bif"]

    /// The slides named by `argument`: a folder (its slide files, sorted by name), a `.csv`
    /// (column `path` or `slide_path`, relative paths against the CSV's folder; optional
    /// `slide_id` and `mpp` columns), or one slide file. A missing file is still returned, so
    /// that its row in the process list says what went wrong.
    /// - Throws: `TilePipelineError.noSlides` for a folder without slides or an empty CSV,
    ///   `TilePipelineError.badSlideList` for a CSV without a path column or with a bad mpp.
    public static func resolve(_ argument: String) throws -> [TileInput] {
        var isFolder: ObjCBool = false
        let exists = FileManager.default.fileExists(atPath: argument, isDirectory: &isFolder)
        if exists && isFolder.boolValue {
            let names = (try? FileManager.default.contentsOfDirectory(atPath: argument)) ?? []
            let slides = names.filter { slideExtensions.contains(($0 as NSString).pathExtension.lowercased()) }.sorted()
            guard !slides.isEmpty else { throw TilePipelineError.noSlides(source: argument) }
            return slides.map { TileInput(path: (argument as NSString).appendingPathComponent($0)) }
        }
        guard (argument as NSString).pathExtension.lowercased() == "csv" else { return [TileInput(path: argument)] }
        let table = try CSVTable.read(from: URL(fileURLWithPath: argument))
        guard let pathColumn = table.column("path") ?? table.column("slide_path") else {
            throw TilePipelineError.badSlideList(source: argument, problem: "no 'path' or 'slide_path' column")
        }
        let folder = (argument as NSString).deletingLastPathComponent
        var inputs: [TileInput] = []
        for (line, row) in table.rows.enumerated() {
            let cell = { (column: Int?) -> String? in
                column.flatMap { $0 < row.count ? row[$0].trimmingCharacters(in: .whitespaces) : nil }.flatMap { $0.isEmpty ? nil : $0 }
            }
            guard let raw = cell(pathColumn) else { continue }
            let path = raw.hasPrefix("/") || folder.isEmpty ? raw : (folder as NSString).appendingPathComponent(raw)
            var mpp: Double?
            if let text = cell(table.column("mpp")) {
                guard let value = Double(text), value > 0 else {
                    throw TilePipelineError.badSlideList(source: argument, problem: "row \(line + 2): mpp '\(text)' is not a positive number")
                }
                mpp = value
            }
            inputs.append(TileInput(path: path, slideID: cell(table.column("slide_id")), mppOverride: mpp))
        }
        guard !inputs.isEmpty else { throw TilePipelineError.noSlides(source: argument) }
        return inputs
    }
}

/// Problems with a `slidemil tile` run as a whole (per-slide failures go to the process list).
public enum TilePipelineError: Error, CustomStringConvertible, Equatable {
    /// A folder without slide files, or a CSV without rows.
    case noSlides(source: String)
    /// A slide CSV that cannot be used.
    case badSlideList(source: String, problem: String)
    /// Two inputs would write the same output files.
    case duplicateSlideID(String)

    public var description: String {
        switch self {
        case let .noSlides(source):
            return "\(source): no slides found (expected slide files such as .svs, .tif, .ndpi, or a CSV with a path column)"
        case let .badSlideList(source, problem):
            return "\(source): \(problem)"
        case let .duplicateSlideID(id):
            return "two slides share the id '\(id)'; give them distinct slide_id values in a CSV"
        }
    }
}
