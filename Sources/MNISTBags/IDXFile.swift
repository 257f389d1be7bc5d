import Foundation

/// Errors from reading an IDX file (the MNIST container format).
public enum IDXError: Error, Equatable, CustomStringConvertible {
    case unreadable(path: String, reason: String)
    case badMagic(path: String, found: UInt32, expected: UInt32)
    case truncated(path: String, expectedBytes: Int, foundBytes: Int)
    case badDimensions(path: String, reason: String)

    public var description: String {
        switch self {
        case let .unreadable(path, reason):
            return "\(path): cannot read IDX file (\(reason))"
        case let .badMagic(path, found, expected):
            return "\(path): not an IDX file of the expected kind (magic \(found), expected \(expected))"
        case let .truncated(path, expectedBytes, foundBytes):
            return "\(path): truncated IDX file (\(foundBytes) bytes, header promises \(expectedBytes))"
        case let .badDimensions(path, reason):
            return "\(path): bad IDX dimensions (\(reason))"
        }
    }
}

/// Images from an IDX3 file: `count` images of `rows` x `columns` uint8 pixels, row-major.
public struct IDXImages: Sendable {
    public let count: Int
    public let rows: Int
    public let columns: Int
    /// All pixels, image after image.
    public let pixels: [UInt8]

    /// The pixels of image `index`.
    public func image(_ index: Int) -> ArraySlice<UInt8> {
        let size = rows * columns
        return pixels[(index * size)..<((index + 1) * size)]
    }
}

/// Parsing of the IDX format: big-endian int32 magic and dimensions, then raw uint8 data.
public enum IDXFile {
    public static let imagesMagic: UInt32 = 2051
    public static let labelsMagic: UInt32 = 2049

    /// Parses an uncompressed IDX3 image file.
    /// - Parameter source: the file name, used in error messages.
    public static func parseImages(_ bytes: [UInt8], source: String) throws -> IDXImages {
        try checkMagic(bytes, expected: imagesMagic, source: source, headerBytes: 16)
        let count = Int(readBigEndian(bytes, at: 4))
        let rows = Int(readBigEndian(bytes, at: 8))
        let columns = Int(readBigEndian(bytes, at: 12))
        // Each side is checked first: two 32-bit sides can overflow their product.
        guard rows > 0, columns > 0, rows <= 1 << 20, columns <= 1 << 20, rows * columns <= 1 << 20 else {
            throw IDXError.badDimensions(path: source, reason: "\(rows) x \(columns) images")
        }
        let expected = 16 + count * rows * columns
        guard bytes.count >= expected else {
            throw IDXError.truncated(path: source, expectedBytes: expected, foundBytes: bytes.count)
        }
        return IDXImages(count: count, rows: rows, columns: columns, pixels: Array(bytes[16..<expected]))
    }

    /// Parses an uncompressed IDX1 label file.
    public static func parseLabels(_ bytes: [UInt8], source: String) throws -> [UInt8] {
        try checkMagic(bytes, expected: labelsMagic, source: source, headerBytes: 8)
        let count = Int(readBigEndian(bytes, at: 4))
        let expected = 8 + count
        guard bytes.count >= expected else {
            throw IDXError.truncated(path: source, expectedBytes: expected, foundBytes: bytes.count)
        }
        return Array(bytes[8..<expected])
    }

    private static func checkMagic(_ bytes: [UInt8], expected: UInt32, source: String, headerBytes: Int) throws {
        guard bytes.count >= headerBytes else {
            throw IDXError.truncated(path: source, expectedBytes: headerBytes, foundBytes: bytes.count)
        }
        let magic = readBigEndian(bytes, at: 0)
        guard magic == expected else {
            throw IDXError.badMagic(path: source, found: magic, expected: expected)
        }
    }

    private static func readBigEndian(_ bytes: [UInt8], at offset: Int) -> UInt32 {
        bytes[offset..<(offset + 4)].reduce(0) { ($0 << 8) | UInt32($1) }
    }
}
