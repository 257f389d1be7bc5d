import Foundation

/// One labelled slide from a labels CSV.
public struct SlideLabel: Equatable, Sendable {
    /// The slide's identifier (file name without extension).
    public var slideID: String
    /// The class name as written in the file, e.g. `"tumor"` or `"1"`.
    public var label: String
    /// `train`, `val`, `test` or any other split name, when the file has a `split` column.
    public var split: String?
    /// Patient or case identifier (CLAM's `case_id`), when present.
    public var caseID: String?

    /// A labelled slide.
    public init(slideID: String, label: String, split: String? = nil, caseID: String? = nil) {
        self.slideID = slideID
        self.label = label
        self.split = split
        self.caseID = caseID
    }
}

/// A labels CSV: columns `slide_id,label[,split]`, also CLAM's `case_id,slide_id,label`; other
/// columns are ignored. Cells are trimmed of surrounding spaces.
public struct SlideLabelTable: Equatable, Sendable {
    /// Labelled slides in file order.
    public var entries: [SlideLabel]

    /// A table over `entries` (not checked for duplicates; `parse` does that).
    public init(entries: [SlideLabel]) {
        self.entries = entries
    }

    /// Distinct labels in sorted order: the class index of a label is its position here.
    public var classes: [String] {
        Array(Set(entries.map(\.label))).sorted()
    }

    /// Reads a labels CSV.
    /// - Throws: `StoreError.malformedCSV` without `slide_id` or `label` columns, for an empty
    ///   slide id or label, or for a slide listed twice.
    public static func read(from url: URL) throws -> SlideLabelTable {
        try parse(CSVTable.read(from: url), source: url.path)
    }

    /// Builds the table from parsed CSV; `source` names the file in errors.
    public static func parse(_ table: CSVTable, source: String) throws -> SlideLabelTable {
        guard let idColumn = table.column("slide_id"), let labelColumn = table.column("label") else {
            throw StoreError.malformedCSV(path: source, line: 1, problem: "needs 'slide_id' and 'label' columns")
        }
        let splitColumn = table.column("split"), caseColumn = table.column("case_id")
        var seen = Set<String>()
        var entries: [SlideLabel] = []
        for (offset, row) in table.rows.enumerated() {
            let cell = { (column: Int) in row[column].trimmingCharacters(in: .whitespaces) }
            let slideID = cell(idColumn), label = cell(labelColumn)
            guard !slideID.isEmpty, !label.isEmpty else {
                throw StoreError.malformedCSV(path: source, line: offset + 2, problem: "empty slide_id or label")
            }
            guard seen.insert(slideID).inserted else {
                throw StoreError.malformedCSV(path: source, line: offset + 2, problem: "slide '\(slideID)' is listed twice")
            }
            let split = splitColumn.map(cell).flatMap { $0.isEmpty ? nil : $0 }
            let caseID = caseColumn.map(cell).flatMap { $0.isEmpty ? nil : $0 }
            entries.append(SlideLabel(slideID: slideID, label: label, split: split, caseID: caseID))
        }
        return SlideLabelTable(entries: entries)
    }
}

/// A list of slide identifiers: a CSV with a `slide_id` column, or plain text with one identifier
/// per line and no header. Blank lines and lines starting with `#` are ignored in plain lists.
public enum SlideList {
    /// Reads the identifiers in file order.
    public static func read(from url: URL) throws -> [String] {
        let data: Data
        do {
            data = try Data(contentsOf: url)
        } catch {
            throw StoreError.cannotOpen(path: url.path, reason: "cannot read: \(error.localizedDescription)")
        }
        let text = String(decoding: data, as: UTF8.self)
        if let table = try? CSVTable.parse(text, source: url.path), let column = table.column("slide_id") {
            return table.rows.map { $0[column].trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
        }
        return text.split(whereSeparator: \.isNewline)
            .map { $0.trimmingCharacters(in: .whitespaces) }
            .filter { !$0.isEmpty && !$0.hasPrefix("#") }
    }
}
