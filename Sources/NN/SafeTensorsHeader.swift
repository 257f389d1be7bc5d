import Foundation

/// The parsed and validated header of a safetensors file.
struct SafeTensorsHeader {
    /// Headers beyond this are refused before any allocation (the reference implementation's limit).
    static let maximumLength: UInt64 = 100_000_000

    let metadata: [String: String]
    let entries: [String: SafeTensorsEntry]
    /// Offset of the data section within the file: 8 + header length.
    let dataStart: Int

    /// Parses the header at the start of `bytes` and checks that the entries tile the data
    /// section exactly: in range, no overlap, no gap, no trailing byte.
    init(parsing bytes: Data, file: String) throws {
        guard bytes.count >= 8 else {
            throw SafeTensorsError.truncated(file: file, expectedBytes: 8, actualBytes: bytes.count)
        }
        let length = bytes.prefix(8).reversed().reduce(UInt64(0)) { $0 << 8 | UInt64($1) }
        guard length <= Self.maximumLength else {
            throw SafeTensorsError.absurdHeaderLength(file: file, headerLength: length)
        }
        dataStart = 8 + Int(length)
        guard bytes.count >= dataStart else {
            throw SafeTensorsError.truncated(file: file, expectedBytes: dataStart, actualBytes: bytes.count)
        }
        let json = bytes.subdata(in: bytes.startIndex + 8 ..< bytes.startIndex + dataStart)
        let object: [String: Any]
        do {
            guard let parsed = try JSONSerialization.jsonObject(with: json) as? [String: Any] else {
                throw SafeTensorsError.badHeader(file: file, reason: "not a JSON object")
            }
            object = parsed
        } catch let error as SafeTensorsError {
            throw error
        } catch {
            throw SafeTensorsError.badHeader(file: file, reason: "not JSON (\(error.localizedDescription))")
        }

        var metadata: [String: String] = [:]
        var entries: [String: SafeTensorsEntry] = [:]
        for (name, value) in object {
            if name == "__metadata__" {
                guard let map = value as? [String: String] else {
                    throw SafeTensorsError.badHeader(file: file, reason: "__metadata__ is not a map of strings")
                }
                metadata = map
            } else {
                entries[name] = try Self.entry(name: name, value: value, file: file)
            }
        }
        self.metadata = metadata
        self.entries = entries
        try Self.checkTiling(entries.values, dataBytes: bytes.count - dataStart, dataStart: dataStart, file: file)
    }

    private static func entry(name: String, value: Any, file: String) throws -> SafeTensorsEntry {
        func bad(_ reason: String) -> SafeTensorsError {
            SafeTensorsError.badEntry(file: file, tensor: name, reason: reason)
        }
        guard let fields = value as? [String: Any] else { throw bad("not a JSON object") }
        guard let dtypeName = fields["dtype"] as? String else { throw bad("no dtype string") }
        guard let dtype = SafeTensorsDType(rawValue: dtypeName) else {
            throw SafeTensorsError.unsupportedDType(file: file, tensor: name, dtype: dtypeName)
        }
        guard let shape = fields["shape"] as? [Int], shape.allSatisfy({ $0 >= 0 }) else {
            throw bad("shape is not a list of non-negative integers")
        }
        guard let offsets = fields["data_offsets"] as? [Int], offsets.count == 2,
              offsets[0] >= 0, offsets[0] <= offsets[1] else {
            throw bad("data_offsets is not a pair [begin, end] with 0 <= begin <= end")
        }
        var byteCount = dtype.byteCount
        for extent in shape {
            let (product, overflow) = byteCount.multipliedReportingOverflow(by: extent)
            guard !overflow else { throw bad("shape \(shape) is too large") }
            byteCount = product
        }
        guard offsets[1] - offsets[0] == byteCount else {
            throw bad("\(dtypeName) \(shape) needs \(byteCount) bytes but data_offsets [\(offsets[0]), \(offsets[1])] span \(offsets[1] - offsets[0])")
        }
        return SafeTensorsEntry(name: name, dtype: dtype, shape: shape, byteRange: offsets[0] ..< offsets[1])
    }

    /// Walks the entries in offset order; each must start where the previous one ended and
    /// the last must end exactly at the end of the file.
    private static func checkTiling(_ entries: Dictionary<String, SafeTensorsEntry>.Values, dataBytes: Int, dataStart: Int, file: String) throws {
        let ordered = entries.sorted {
            ($0.byteRange.lowerBound, $0.byteRange.upperBound, $0.name) < ($1.byteRange.lowerBound, $1.byteRange.upperBound, $1.name)
        }
        var cursor = 0
        var previous: String?
        for entry in ordered {
            if entry.byteRange.lowerBound < cursor, let previous {
                throw SafeTensorsError.overlappingData(file: file, first: previous, second: entry.name)
            }
            if entry.byteRange.lowerBound > cursor {
                throw SafeTensorsError.uncoveredData(file: file, byteRange: cursor ..< entry.byteRange.lowerBound)
            }
            if !entry.byteRange.isEmpty {
                previous = entry.name
            }
            cursor = entry.byteRange.upperBound
        }
        if cursor > dataBytes {
            throw SafeTensorsError.truncated(file: file, expectedBytes: dataStart + cursor, actualBytes: dataStart + dataBytes)
        }
        if cursor < dataBytes {
            throw SafeTensorsError.uncoveredData(file: file, byteRange: cursor ..< dataBytes)
        }
    }
}
