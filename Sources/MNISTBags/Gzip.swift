import CZlib

/// Errors from decompressing a gzip stream.
public enum GzipError: Error, Equatable, CustomStringConvertible {
    /// zlib rejected the stream (corrupt data or not gzip); carries zlib's own message.
    case corrupt(String)
    /// The stream ended before its end-of-stream marker.
    case truncated

    public var description: String {
        switch self {
        case .corrupt(let message): return "corrupt gzip stream (\(message))"
        case .truncated: return "gzip stream ends early (truncated file)"
        }
    }
}

/// Gzip decompression on zlib.
public enum Gzip {
    /// Inflates a whole gzip (or zlib) stream held in memory.
    ///
    /// - Parameter compressed: the bytes of a `.gz` file.
    /// - Returns: the uncompressed bytes.
    /// - Throws: `GzipError` when the stream is corrupt or truncated.
    public static func decompress(_ compressed: [UInt8]) throws -> [UInt8] {
        var stream = z_stream()
        // 15 window bits + 32: detect gzip or zlib headers automatically.
        guard slidemil_inflate_init2(&stream, 15 + 32) == Z_OK else {
            throw GzipError.corrupt("inflateInit2 failed")
        }
        defer { inflateEnd(&stream) }

        var output: [UInt8] = []
        output.reserveCapacity(compressed.count * 4)
        let chunkSize = 1 << 20
        var chunk = [UInt8](repeating: 0, count: chunkSize)
        var status: Int32 = Z_OK
        try compressed.withUnsafeBufferPointer { input in
            stream.next_in = UnsafeMutablePointer(mutating: input.baseAddress)
            stream.avail_in = uInt(input.count)
            repeat {
                let produced: Int = chunk.withUnsafeMutableBufferPointer { out in
                    stream.next_out = out.baseAddress
                    stream.avail_out = uInt(chunkSize)
                    status = inflate(&stream, Z_NO_FLUSH)
                    return chunkSize - Int(stream.avail_out)
                }
                if status != Z_OK && status != Z_STREAM_END {
                    if status == Z_BUF_ERROR && stream.avail_in == 0 { throw GzipError.truncated }
                    let message = stream.msg.map { String(cString: $0) } ?? "zlib status \(status)"
                    throw GzipError.corrupt(message)
                }
                output.append(contentsOf: chunk[0..<produced])
                if status != Z_STREAM_END && stream.avail_in == 0 && produced < chunkSize {
                    throw GzipError.truncated
                }
            } while status != Z_STREAM_END
        }
        return output
    }
}
