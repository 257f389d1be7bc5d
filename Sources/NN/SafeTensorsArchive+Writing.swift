import Foundation
import Tensor
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

extension SafeTensorsArchive {
    /// Writes `tensors` as F32 with `metadata` as the header's `__metadata__` (omitted when
    /// empty), replacing `url` atomically. See `write(values:metadata:to:)`.
    public static func write(_ tensors: [String: Tensor], metadata: [String: String] = [:], to url: URL) throws {
        try write(values: tensors.mapValues(SafeTensorsValue.float32), metadata: metadata, to: url)
    }

    /// Writes `values` to `url` in the safetensors format, readable by the reference
    /// `safetensors` package.
    ///
    /// The output is deterministic: header keys in ascending order (`__metadata__` first),
    /// compact JSON padded with spaces to a multiple of 8 bytes, and data ordered by element
    /// size (largest first) then name, so every tensor starts at an offset aligned to its
    /// element size. The bytes go to a temporary file in the same folder which is then renamed
    /// over `url`, so readers never see a half-written file.
    /// - Throws: `SafeTensorsError.invalidName` for an empty name or `__metadata__`;
    ///   `badEntry` when an I64 payload does not fill its shape; `writeFailed` on I/O errors.
    /// - Complexity: O(total bytes); the whole file is assembled in memory first.
    public static func write(values: [String: SafeTensorsValue], metadata: [String: String] = [:], to url: URL) throws {
        let file = url.path
        let bytes = try encode(values, metadata: metadata, file: file)
        let folder = url.deletingLastPathComponent()
        let temporary = folder.appendingPathComponent(".\(url.lastPathComponent).\(UUID().uuidString).tmp")
        do {
            try bytes.write(to: temporary)
        } catch {
            // A full disk leaves a partial temporary file behind.
            try? FileManager.default.removeItem(at: temporary)
            throw SafeTensorsError.writeFailed(file: file, reason: systemReason(error))
        }
        guard rename(temporary.path, url.path) == 0 else {
            let reason = String(cString: strerror(errno))
            try? FileManager.default.removeItem(at: temporary)
            throw SafeTensorsError.writeFailed(file: file, reason: reason)
        }
    }

    /// The system's message ("No space left on device") behind a Foundation write error, whose
    /// printed form is otherwise a multi-line `NSCocoaErrorDomain` dump.
    private static func systemReason(_ error: Error) -> String {
        let nsError = error as NSError
        if nsError.domain == NSPOSIXErrorDomain { return String(cString: strerror(Int32(nsError.code))) }
        if let underlying = nsError.userInfo[NSUnderlyingErrorKey] as? NSError, underlying.domain == NSPOSIXErrorDomain {
            return String(cString: strerror(Int32(underlying.code)))
        }
        switch nsError.code {
        case CocoaError.fileWriteOutOfSpace.rawValue: return String(cString: strerror(ENOSPC))
        case CocoaError.fileWriteVolumeReadOnly.rawValue: return String(cString: strerror(EROFS))
        case CocoaError.fileWriteNoPermission.rawValue: return String(cString: strerror(EACCES))
        default: return nsError.localizedDescription
        }
    }

    private static func encode(_ values: [String: SafeTensorsValue], metadata: [String: String], file: String) throws -> Data {
        for (name, value) in values {
            guard !name.isEmpty, name != "__metadata__" else {
                throw SafeTensorsError.invalidName(file: file, tensor: name)
            }
            guard value.shape.allSatisfy({ $0 >= 0 }), value.shape.reduce(1, *) == value.elementCount else {
                throw SafeTensorsError.badEntry(file: file, tensor: name, reason: "\(value.elementCount) values do not fill shape \(value.shape)")
            }
        }
        let dataOrder = values.keys.sorted {
            let (a, b) = (values[$0]!.dtype.byteCount, values[$1]!.dtype.byteCount)
            return a != b ? a > b : $0 < $1
        }
        var offsets: [String: Range<Int>] = [:]
        var cursor = 0
        for name in dataOrder {
            let value = values[name]!
            let byteCount = value.elementCount * value.dtype.byteCount
            offsets[name] = cursor ..< cursor + byteCount
            cursor += byteCount
        }

        var fields: [String] = []
        if !metadata.isEmpty {
            let pairs = metadata.keys.sorted().map { "\(jsonString($0)):\(jsonString(metadata[$0]!))" }
            fields.append("\"__metadata__\":{\(pairs.joined(separator: ","))}")
        }
        for name in values.keys.sorted() {
            let value = values[name]!, range = offsets[name]!
            let shape = value.shape.map(String.init).joined(separator: ",")
            fields.append("\(jsonString(name)):{\"dtype\":\"\(value.dtype.rawValue)\",\"shape\":[\(shape)],\"data_offsets\":[\(range.lowerBound),\(range.upperBound)]}")
        }
        var header = Array("{\(fields.joined(separator: ","))}".utf8)
        header += repeatElement(UInt8(ascii: " "), count: (8 - header.count % 8) % 8)

        var bytes = Data(capacity: 8 + header.count + cursor)
        withUnsafeBytes(of: UInt64(header.count).littleEndian) { bytes.append(contentsOf: $0) }
        bytes.append(contentsOf: header)
        for name in dataOrder {
            switch values[name]! {
            case let .float32(tensor):
                tensor.withUnsafeBufferPointer { bytes.append($0) }
            case let .int64(_, elements):
                elements.withUnsafeBufferPointer { bytes.append($0) }
            }
        }
        return bytes
    }

    /// `text` as a JSON string literal: quotes, backslashes and control characters escaped,
    /// everything else kept as UTF-8.
    private static func jsonString(_ text: String) -> String {
        var literal = "\""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": literal += "\\\""
            case "\\": literal += "\\\\"
            case "\n": literal += "\\n"
            case "\r": literal += "\\r"
            case "\t": literal += "\\t"
            case _ where scalar.value < 0x20:
                literal += "\\u" + String(repeating: "0", count: 4 - String(scalar.value, radix: 16).count) + String(scalar.value, radix: 16)
            default:
                literal.unicodeScalars.append(scalar)
            }
        }
        return literal + "\""
    }
}
