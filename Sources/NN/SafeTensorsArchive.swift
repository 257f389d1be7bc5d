import Foundation
import Tensor

#if _endian(big)
#error("safetensors data is little-endian; SafeTensorsArchive copies it without byte swapping")
#endif

/// A safetensors file opened for reading: its header entries, its `__metadata__`, and
/// lazily decoded tensors.
///
/// Layout (see the format's specification): an 8-byte little-endian header length `n`, `n`
/// bytes of JSON mapping each tensor name to `{"dtype", "shape", "data_offsets"}` (offsets
/// relative to the data section, which starts right after the header) plus an optional
/// `"__metadata__"` map of strings, then the little-endian tensor bytes.
///
/// Opening validates the whole layout (offsets in range, no overlap, no uncovered byte) so
/// that every accessor either decodes or reports a dtype/shape problem. The file is
/// memory-mapped, so opening is O(header size) and each tensor costs only its own bytes.
/// Values are immutable and safe to share across threads.
public struct SafeTensorsArchive: Sendable {
    /// The path the archive was read from, used in error messages.
    public let file: String
    /// The header's `__metadata__` string map (empty when absent).
    public let metadata: [String: String]
    /// Header entries by tensor name.
    public let entries: [String: SafeTensorsEntry]

    private let bytes: Data
    private let dataStart: Int

    /// Tensor names in ascending order.
    public var names: [String] { entries.keys.sorted() }

    /// Opens and validates the safetensors file at `url`.
    /// - Throws: `SafeTensorsError` when the file is unreadable, truncated, or its header is
    ///   malformed or names a dtype outside the safetensors set.
    public static func read(contentsOf url: URL) throws -> SafeTensorsArchive {
        let file = url.path
        let bytes: Data
        do {
            bytes = try Data(contentsOf: url, options: .alwaysMapped)
        } catch {
            throw SafeTensorsError.unreadable(file: file, reason: error.localizedDescription)
        }
        let header = try SafeTensorsHeader(parsing: bytes, file: file)
        return SafeTensorsArchive(
            file: file, metadata: header.metadata, entries: header.entries,
            bytes: bytes, dataStart: header.dataStart
        )
    }

    private init(file: String, metadata: [String: String], entries: [String: SafeTensorsEntry], bytes: Data, dataStart: Int) {
        self.file = file
        self.metadata = metadata
        self.entries = entries
        self.bytes = bytes
        self.dataStart = dataStart
    }

    /// The header entry of `name`.
    /// - Throws: `SafeTensorsError.missingTensor` when no tensor has that name.
    public func entry(named name: String) throws -> SafeTensorsEntry {
        guard let entry = entries[name] else {
            throw SafeTensorsError.missingTensor(file: file, tensor: name)
        }
        return entry
    }

    /// The tensor `name` as `Float`s with its stored shape. F32 is copied exactly; F16 and
    /// BF16 are widened exactly (subnormals, infinities, NaN and signed zeros included).
    /// - Throws: `missingTensor`; `dtypeMismatch` for integer dtypes (use `int64Values`);
    ///   `unsupportedDType` for other floating dtypes (F64, F8).
    /// - Complexity: O(element count).
    public func tensor(named name: String) throws -> Tensor {
        let entry = try entry(named: name)
        switch entry.dtype {
        case .float32:
            return Tensor(shape: entry.shape, storage: copyElements(of: entry, as: Float.self))
        case .float16:
            return Tensor(shape: entry.shape, storage: copyElements(of: entry, as: UInt16.self).map(Float.init(float16Bits:)))
        case .bfloat16:
            return Tensor(shape: entry.shape, storage: copyElements(of: entry, as: UInt16.self).map(Float.init(bfloat16Bits:)))
        case .float64, .float8E5M2, .float8E4M3:
            throw SafeTensorsError.unsupportedDType(file: file, tensor: name, dtype: entry.dtype.rawValue)
        case .bool, .uint8, .int8, .int16, .uint16, .int32, .uint32, .int64, .uint64:
            throw SafeTensorsError.dtypeMismatch(file: file, tensor: name, expected: "F32, F16 or BF16", found: entry.dtype)
        }
    }

    /// The tensor `name` as `Float`s, checked against the shape the caller expects.
    /// - Throws: as `tensor(named:)`, and `shapeMismatch` naming both shapes.
    public func tensor(named name: String, shape expected: [Int]) throws -> Tensor {
        let entry = try entry(named: name)
        guard entry.shape == expected else {
            throw SafeTensorsError.shapeMismatch(file: file, tensor: name, expected: expected, found: entry.shape)
        }
        return try tensor(named: name)
    }

    /// The I64 tensor `name` as row-major `Int64` values (its shape is `entry(named:).shape`),
    /// e.g. BatchNorm's `num_batches_tracked` or class labels.
    /// - Throws: `missingTensor`; `dtypeMismatch` when it is not stored as I64.
    public func int64Values(named name: String) throws -> [Int64] {
        let entry = try entry(named: name)
        guard entry.dtype == .int64 else {
            throw SafeTensorsError.dtypeMismatch(file: file, tensor: name, expected: "I64", found: entry.dtype)
        }
        return copyElements(of: entry, as: Int64.self)
    }

    /// Copies the entry's bytes into an array of `Element`s; the bytes may be unaligned.
    private func copyElements<Element>(of entry: SafeTensorsEntry, as _: Element.Type) -> [Element] {
        precondition(MemoryLayout<Element>.size == entry.dtype.byteCount, "element size does not match \(entry.dtype)")
        let offset = dataStart + entry.byteRange.lowerBound
        return [Element](unsafeUninitializedCapacity: entry.elementCount) { buffer, initialised in
            bytes.withUnsafeBytes { raw in
                let source = UnsafeRawBufferPointer(rebasing: raw[offset ..< offset + entry.byteRange.count])
                UnsafeMutableRawBufferPointer(buffer).copyMemory(from: source)
            }
            initialised = entry.elementCount
        }
    }
}
