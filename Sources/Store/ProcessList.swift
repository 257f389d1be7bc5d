import Foundation

/// Where one slide stands in a batch run.
public enum SlideStatus: String, Sendable, CaseIterable {
    /// Not attempted yet (or to be redone).
    case pending
    /// Finished; its outputs are complete.
    case processed
    /// Attempted and failed; `error` says why. Retried on the next run.
    case failed
    /// Deliberately left out (e.g. excluded by the user, or no tissue found).
    case skipped
}

/// One row of a process list.
public struct ProcessRecord: Equatable, Sendable {
    /// The slide's identifier (file name without extension).
    public var slideID: String
    /// Where the slide stands.
    public var status: SlideStatus
    /// Tiles produced, when known.
    public var tiles: Int?
    /// Wall-clock seconds the slide took, when known.
    public var seconds: Double?
    /// One-line error message for failed slides, empty otherwise.
    public var error: String
    /// Values of columns this type does not know (e.g. a user-added `mpp` override), by column name.
    public var extra: [String: String]

    /// A record; a new slide is `pending` with no figures.
    public init(slideID: String, status: SlideStatus = .pending, tiles: Int? = nil, seconds: Double? = nil,
                error: String = "", extra: [String: String] = [:]) {
        self.slideID = slideID
        self.status = status
        self.tiles = tiles
        self.seconds = seconds
        self.error = error
        self.extra = extra
    }

    /// Marks the slide failed with `error`'s description as the reason.
    public mutating func markFailed(_ error: any Error) {
        status = .failed
        self.error = "\(error)"
    }
}

/// The batch CSV a run keeps for resuming: `slide_id,status,tiles,seconds,error` plus any extra
/// columns the user added (kept as they are). CLAM's `process_list_autogen.csv` loads too: its
/// statuses `tbp`, `already_exist` and `failed_seg` read as pending, processed and failed. Saved atomically after every slide, so a killed run
/// loses at most the slide in progress.
public struct ProcessList: Equatable, Sendable {
    /// The fixed columns, in file order.
    public static let columns = ["slide_id", "status", "tiles", "seconds", "error"]

    /// Where the list is saved.
    public let url: URL
    /// One record per slide, in run order.
    public private(set) var records: [ProcessRecord]
    /// Names of the extra columns, in file order.
    public private(set) var extraColumns: [String]

    /// Loads the list at `url` if it exists, then appends `slideIDs` not yet listed as pending.
    /// Slides already listed keep their status, so a rerun skips processed ones.
    /// - Throws: `StoreError.malformedCSV` for a bad file, including an unknown status or a missing
    ///   `slide_id` column.
    public static func load(from url: URL, adding slideIDs: [String] = []) throws -> ProcessList {
        var list = ProcessList(url: url, records: [], extraColumns: [])
        if FileManager.default.fileExists(atPath: url.path) {
            try list.parse(CSVTable.read(from: url))
        }
        var known = Set(list.records.map(\.slideID))
        for slideID in slideIDs where !known.contains(slideID) {
            list.records.append(ProcessRecord(slideID: slideID))
            known.insert(slideID)
        }
        return list
    }

    private init(url: URL, records: [ProcessRecord], extraColumns: [String]) {
        self.url = url
        self.records = records
        self.extraColumns = extraColumns
    }

    /// The record for `slideID`, if listed.
    public func record(for slideID: String) -> ProcessRecord? {
        records.first { $0.slideID == slideID }
    }

    /// Slides still to do: pending and failed ones, in list order.
    public var remaining: [String] {
        records.filter { $0.status == .pending || $0.status == .failed }.map(\.slideID)
    }

    /// Replaces (or appends) the record for `record.slideID` and saves the list atomically.
    public mutating func update(_ record: ProcessRecord) throws {
        if let index = records.firstIndex(where: { $0.slideID == record.slideID }) {
            records[index] = record
        } else {
            records.append(record)
        }
        for name in record.extra.keys.sorted() where !extraColumns.contains(name) {
            extraColumns.append(name)
        }
        try save()
    }

    /// Records how a slide ended: stamps `seconds` (ms precision) since `start` on `record` and
    /// stores it, saving the list atomically.
    public mutating func finish(_ record: ProcessRecord, startedAt start: Date) throws {
        var stamped = record
        stamped.seconds = (Date().timeIntervalSince(start) * 1000).rounded() / 1000
        try update(stamped)
    }

    /// Writes the list atomically to `url`.
    public func save() throws {
        try table().write(to: url)
    }

    /// The list as a CSV table.
    public func table() -> CSVTable {
        CSVTable(header: Self.columns + extraColumns, rows: records.map { record in
            [record.slideID, record.status.rawValue, record.tiles.map(String.init) ?? "",
             record.seconds.map { String(format: "%.3f", $0) } ?? "",
             // A message spanning lines would still round-trip, but one line reads better in a spreadsheet.
             record.error.replacingOccurrences(of: "\n", with: " ")]
                + extraColumns.map { record.extra[$0] ?? "" }
        })
    }

    /// CLAM's `process_list_autogen.csv` statuses, so its lists can seed a SlideMIL run.
    static let clamStatuses: [String: SlideStatus] = [
        "tbp": .pending, "already_exist": .processed, "failed_seg": .failed,
    ]

    private mutating func parse(_ table: CSVTable) throws {
        guard let idColumn = table.column("slide_id") else {
            throw StoreError.malformedCSV(path: url.path, line: 1, problem: "no 'slide_id' column")
        }
        let known = Dictionary(uniqueKeysWithValues: Self.columns.map { ($0, table.column($0)) })
        extraColumns = table.header.filter { !Self.columns.contains($0.trimmingCharacters(in: .whitespaces)) }
        for (offset, row) in table.rows.enumerated() {
            func field(_ name: String) -> String {
                known[name].flatMap { $0 }.map { row[$0].trimmingCharacters(in: .whitespaces) } ?? ""
            }
            let statusText = field("status")
            guard let status = statusText.isEmpty ? .pending : SlideStatus(rawValue: statusText) ?? Self.clamStatuses[statusText] else {
                throw StoreError.malformedCSV(path: url.path, line: offset + 2,
                                              problem: "status '\(statusText)' is not one of pending, processed, failed, skipped")
            }
            var extra: [String: String] = [:]
            for name in extraColumns {
                if let index = table.header.firstIndex(of: name) { extra[name] = row[index] }
            }
            records.append(ProcessRecord(
                slideID: row[idColumn].trimmingCharacters(in: .whitespaces), status: status,
                tiles: Int(field("tiles")), seconds: Double(field("seconds")),
                error: known["error"].flatMap { $0 }.map { row[$0] } ?? "", extra: extra))
        }
    }
}
