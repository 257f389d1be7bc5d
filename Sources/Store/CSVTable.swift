import Foundation

/// A CSV table as RFC 4180 defines it: a header row, then records of the same width; fields
/// separated by commas; a field in double quotes may contain commas, line breaks and doubled
/// quotes (`""`).
///
/// Reading accepts LF and CRLF line ends, a UTF-8 byte-order mark and a missing final line break,
/// and skips blank lines. Writing uses LF line ends (what pandas writes) and quotes a field only
/// when it contains a comma, quote, CR or LF.
public struct CSVTable: Equatable, Sendable {
    /// Column names from the first row.
    public var header: [String]
    /// Records, each with `header.count` fields.
    public var rows: [[String]]

    /// A table with the given header and records.
    /// - Precondition: every row has `header.count` fields.
    public init(header: [String], rows: [[String]] = []) {
        precondition(rows.allSatisfy { $0.count == header.count }, "every CSV row needs \(header.count) fields")
        self.header = header
        self.rows = rows
    }

    /// The index of the column called `name` (exact match after trimming spaces), if any.
    public func column(_ name: String) -> Int? {
        header.firstIndex { $0.trimmingCharacters(in: .whitespaces) == name }
    }

    /// Parses CSV text; `source` names the file in errors.
    /// - Throws: `StoreError.malformedCSV` for an unterminated quote, text after a closing quote,
    ///   a record whose width differs from the header's, or an empty input.
    public static func parse(_ text: String, source: String = "CSV text") throws -> CSVTable {
        let records = try CSVParser(text: text, source: source).records()
        guard let first = records.first else {
            throw StoreError.malformedCSV(path: source, line: 1, problem: "no header row")
        }
        for record in records.dropFirst() where record.fields.count != first.fields.count {
            throw StoreError.malformedCSV(path: source, line: record.line,
                                          problem: "\(record.fields.count) fields where the header has \(first.fields.count)")
        }
        return CSVTable(header: first.fields, rows: records.dropFirst().map(\.fields))
    }

    /// Reads and parses a CSV file (UTF-8).
    public static func read(from url: URL) throws -> CSVTable {
        let data: Data
        do {
            data = try Data(contentsOf: url)
        } catch {
            throw StoreError.cannotOpen(path: url.path, reason: "cannot read: \(error.localizedDescription)")
        }
        return try parse(String(decoding: data, as: UTF8.self), source: url.path)
    }

    /// The table as CSV text, ending with a line break.
    public func serialized() -> String {
        ([header] + rows).map { $0.map(Self.escape).joined(separator: ",") }.joined(separator: "\n") + "\n"
    }

    /// Writes the table atomically.
    public func write(to url: URL) throws {
        try AtomicFile.write(Data(serialized().utf8), to: url)
    }

    private static func escape(_ field: String) -> String {
        guard field.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" || $0 == "\r\n" }) else {
            return field
        }
        return "\"" + field.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    }
}

/// A one-pass RFC 4180 tokenizer over UTF-8 bytes (so CRLF is two bytes, not one grapheme).
private struct CSVParser {
    struct Record {
        var fields: [String]
        /// 1-based line where the record starts.
        var line: Int
    }

    let bytes: [UInt8]
    let source: String

    init(text: String, source: String) {
        var bytes = Array(text.utf8)
        if bytes.starts(with: [0xEF, 0xBB, 0xBF]) { bytes.removeFirst(3) }
        self.bytes = bytes
        self.source = source
    }

    func records() throws -> [Record] {
        let quote = UInt8(ascii: "\""), comma = UInt8(ascii: ","), lf = UInt8(ascii: "\n"), cr = UInt8(ascii: "\r")
        var records: [Record] = []
        var fields: [String] = []
        var field: [UInt8] = []
        var line = 1, recordLine = 1
        var index = 0
        var fieldWasQuoted = false

        func endField() {
            fields.append(String(decoding: field, as: UTF8.self))
            field.removeAll(keepingCapacity: true)
            fieldWasQuoted = false
        }
        func endRecord() {
            let lastWasQuoted = fieldWasQuoted
            endField()
            // A blank line is one empty unquoted field: skip it.
            if !(fields.count == 1 && fields[0].isEmpty && !lastWasQuoted) { records.append(Record(fields: fields, line: recordLine)) }
            fields.removeAll()
        }

        while index < bytes.count {
            let byte = bytes[index]
            if byte == quote && field.isEmpty && !fieldWasQuoted {
                fieldWasQuoted = true
                let openedAt = line
                index += 1
                while true {
                    guard index < bytes.count else {
                        throw StoreError.malformedCSV(path: source, line: openedAt, problem: "quoted field never closed")
                    }
                    let inner = bytes[index]
                    if inner == quote {
                        if index + 1 < bytes.count && bytes[index + 1] == quote {
                            field.append(quote)
                            index += 2
                            continue
                        }
                        index += 1
                        break
                    }
                    if inner == lf { line += 1 }
                    field.append(inner)
                    index += 1
                }
                if index < bytes.count, ![comma, lf, cr].contains(bytes[index]) {
                    throw StoreError.malformedCSV(path: source, line: line, problem: "text after a closing quote")
                }
                continue
            }
            switch byte {
            case comma:
                endField()
            case cr where index + 1 < bytes.count && bytes[index + 1] == lf:
                break // the LF ends the record
            case lf, cr:
                endRecord()
                line += 1
                recordLine = line
            default:
                field.append(byte)
            }
            index += 1
        }
        if !field.isEmpty || !fields.isEmpty || fieldWasQuoted { endRecord() }
        return records
    }
}
