import Foundation
import Tensor
#if canImport(Glibc)
import Glibc
#endif

/// Reads tensors of a safetensors file one at a time with positioned reads, so loading a large
/// checkpoint holds each weight only once in memory (the file's pages stay in the page cache,
/// outside the process). The header is parsed and validated by `SafeTensorsArchive`.
public final class SafeTensorsStreamReader {
    /// The validated header (names, dtypes, shapes, offsets) and metadata.
    public let archive: SafeTensorsArchive
    private let descriptor: Int32
    private let dataStart: Int

    /// Opens `url` and validates its header.
    /// - Throws: `SafeTensorsError` when the file is unreadable or malformed.
    public init(contentsOf url: URL) throws {
        archive = try SafeTensorsArchive.read(contentsOf: url)
        let file = open(url.path, O_RDONLY)
        guard file >= 0 else {
            throw SafeTensorsError.unreadable(file: url.path, reason: String(cString: strerror(errno)))
        }
        var length: UInt64 = 0
        let got = withUnsafeMutableBytes(of: &length) { pread(file, $0.baseAddress, 8, 0) }
        guard got == 8 else {
            close(file)
            throw SafeTensorsError.unreadable(file: url.path, reason: "cannot read the header length")
        }
        descriptor = file
        dataStart = 8 + Int(UInt64(littleEndian: length))
    }

    deinit { close(descriptor) }

    /// The tensor `name` as `Float`s with its stored shape (F16/BF16 widened exactly).
    /// - Throws: as `SafeTensorsArchive.tensor(named:)`, or `unreadable` when the read fails.
    public func tensor(named name: String) throws -> Tensor {
        let entry = try archive.entry(named: name)
        switch entry.dtype {
        case .float32:
            return Tensor(shape: entry.shape, storage: try read(entry, as: Float.self))
        case .float16:
            return Tensor(shape: entry.shape, storage: try read(entry, as: UInt16.self).map(Float.init(float16Bits:)))
        case .bfloat16:
            return Tensor(shape: entry.shape, storage: try read(entry, as: UInt16.self).map(Float.init(bfloat16Bits:)))
        default:
            // The archive reports the precise dtype problem.
            return try archive.tensor(named: name)
        }
    }

    private func read<Element>(_ entry: SafeTensorsEntry, as _: Element.Type) throws -> [Element] {
        let count = entry.elementCount, bytes = entry.byteRange.count
        var failure: String?
        let values = [Element](unsafeUninitializedCapacity: count) { buffer, initialised in
            var done = 0
            let raw = UnsafeMutableRawPointer(buffer.baseAddress)
            while done < bytes, let raw {
                let got = pread(descriptor, raw + done, bytes - done, off_t(dataStart + entry.byteRange.lowerBound + done))
                if got <= 0 {
                    failure = got < 0 ? String(cString: strerror(errno)) : "file ends inside tensor \(entry.name)"
                    break
                }
                done += got
            }
            initialised = failure == nil ? count : 0
        }
        if let failure { throw SafeTensorsError.unreadable(file: archive.file, reason: failure) }
        return values
    }
}
