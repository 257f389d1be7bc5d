import Foundation
import Store

/// One slide of a batch: its file, the identifier its outputs are named after, an optional mpp.
public struct SlideEntry: Sendable, Equatable {
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

    /// The level-0 µm/px a slide may be given (a CSV `mpp`, `--mpp`): scanners write 0.1 to 1,
    /// thumbnails and low-power scans a few µm; beyond 100 tiles would shrink to single pixels.
    public static let mppRange = SettingRange(0.01, 100)

    /// File extensions taken as slides when a folder is given (OpenSlide's formats).
    public static let slideExtensions: Set<String> = ["svs", "tif", "tiff", "ndpi", "vms", "vmu", "scn", "mrxs", "svslide", "bif"]

    /// The slides named by `argument`: a folder (its slide files, sorted by name, hidden files
    /// left out), a `.csv`
    /// (column `path` or `slide_path`, relative paths against the CSV's folder; optional
    /// `slide_id` and `mpp` columns), or one slide file. A missing file is still returned, so
    /// that its row in the process list says what went wrong. Every id is checked with
    /// `SlideID.validate` before it can become a file name.
    /// - Throws: `SlideListError.noSlides` for a folder without slides or an empty CSV,
    ///   `.badSlideList` for a CSV without a path column or with a bad mpp, `.badSlideID` for an
    ///   id that is not a safe file name.
    public static func resolve(_ argument: String) throws -> [SlideEntry] {
        var isFolder: ObjCBool = false
        let exists = FileManager.default.fileExists(atPath: argument, isDirectory: &isFolder)
        if exists && isFolder.boolValue {
            let names = (try? FileManager.default.contentsOfDirectory(atPath: argument)) ?? []
            // Hidden files (macOS `._` resource forks, editors' temporaries) are not slides.
            let slides = names.filter { !$0.hasPrefix(".") && slideExtensions.contains(($0 as NSString).pathExtension.lowercased()) }.sorted()
            guard !slides.isEmpty else { throw SlideListError.noSlides(source: argument) }
            return try slides.map { name in
                let entry = SlideEntry(path: (argument as NSString).appendingPathComponent(name))
                try SlideID.validate(entry.slideID, source: argument, row: name)
                return entry
            }
        }
        guard (argument as NSString).pathExtension.lowercased() == "csv" else {
            let entry = SlideEntry(path: argument)
            try SlideID.validate(entry.slideID, source: argument)
            return [entry]
        }
        let table = try CSVTable.read(from: URL(fileURLWithPath: argument))
        guard let pathColumn = table.column("path") ?? table.column("slide_path") else {
            throw SlideListError.badSlideList(source: argument, problem: "no 'path' or 'slide_path' column")
        }
        let folder = (argument as NSString).deletingLastPathComponent
        var entries: [SlideEntry] = []
        for (line, row) in table.rows.enumerated() {
            let cell = { (column: Int?) -> String? in
                column.flatMap { $0 < row.count ? row[$0].trimmingCharacters(in: .whitespaces) : nil }.flatMap { $0.isEmpty ? nil : $0 }
            }
            guard let raw = cell(pathColumn) else { continue }
            let path = raw.hasPrefix("/") || folder.isEmpty ? raw : (folder as NSString).appendingPathComponent(raw)
            var mpp: Double?
            if let text = cell(table.column("mpp")) {
                guard let value = Double(text), mppRange.contains(value) else {
                    throw SlideListError.badSlideList(source: argument, problem: "row \(line + 2): mpp '\(text)' is outside \(mppRange) µm/px")
                }
                mpp = value
            }
            let entry = SlideEntry(path: path, slideID: cell(table.column("slide_id")), mppOverride: mpp)
            try SlideID.validate(entry.slideID, source: argument, row: "row \(line + 2)")
            entries.append(entry)
        }
        guard !entries.isEmpty else { throw SlideListError.noSlides(source: argument) }
        return entries
    }
}
