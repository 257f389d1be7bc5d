import CTIFF
import Foundation

/// One image directory (IFD) of a TIFF file, as its tags describe it.
public struct TIFFDirectory: Sendable, Equatable {
    /// Position in the file's directory chain, 0 first.
    public let index: Int
    public let width: Int
    public let height: Int
    /// Tile size in px, `nil` for an image stored in strips.
    public let tileWidth: Int?
    public let tileHeight: Int?
    /// The Compression tag (7 = JPEG, 33003/33005 = Aperio JPEG 2000, ...).
    public let compression: Int
    /// The PhotometricInterpretation tag (2 = RGB, 6 = YCbCr).
    public let photometric: Int
    public let samplesPerPixel: Int
    public let bitsPerSample: Int
    /// SubfileType has the reduced-resolution bit.
    public let isReducedResolution: Bool
    /// µm/px from XResolution/YResolution and ResolutionUnit, when present and plausible.
    public let micronsPerPixel: MicronsPerPixel?
    /// The ImageDescription tag.
    public let imageDescription: String?

    /// Whether the image is stored in tiles.
    public var isTiled: Bool { tileWidth != nil }
}

/// The directory chain of a TIFF file, read and checked with libtiff before any other library
/// (OpenSlide) is given the file.
///
/// A hostile or damaged TIFF can make a reader allocate terabytes (a TileWidth of 1,048,576),
/// loop forever (a directory chain that points back into itself) or read past the end of the
/// file. Every such file is refused here with `SlideError.corrupt` and a reason that says what
/// is wrong, so one bad slide fails alone and never takes the process down.
///
/// Classic (32-bit) TIFFs larger than 4 GiB are left to OpenSlide (see `appliesTo(_:)`):
/// Hamamatsu NDPI files store offsets modulo 2^32 there, and OpenSlide reads them its own way.
public struct TIFFStructure: Sendable {
    /// The file the structure was read from.
    public let path: String
    /// Every directory, in chain order.
    public let directories: [TIFFDirectory]
    /// Whether the file is a BigTIFF (64-bit offsets).
    public let isBigTIFF: Bool
    /// Size of the file in bytes.
    public let fileSize: UInt64

    /// More directories than this are taken for a damaged chain.
    public static let maximumDirectories = 1024
    /// The largest image side accepted, in px.
    public static let maximumSide = 4_000_000
    /// Tile sides accepted, in px (the TIFF specification asks for multiples of 16).
    public static let tileSideRange = 16...16_384
    /// The most tiles one directory may have.
    public static let maximumTilesPerDirectory = 1 << 22

    /// Whether `path` should be checked before OpenSlide opens it: a TIFF or BigTIFF header, and
    /// not a classic TIFF over 4 GiB (Hamamatsu NDPI keeps offsets modulo 2^32 there, which
    /// libtiff cannot follow but OpenSlide can).
    public static func appliesTo(_ path: String) -> Bool {
        guard let handle = FileHandle(forReadingAtPath: path) else { return false }
        defer { try? handle.close() }
        let head = [UInt8]((try? handle.read(upToCount: 4)) ?? Data())
        let classic = head == [0x49, 0x49, 0x2A, 0x00] || head == [0x4D, 0x4D, 0x00, 0x2A]
        let big = head == [0x49, 0x49, 0x2B, 0x00] || head == [0x4D, 0x4D, 0x00, 0x2B]
        var status = stat()
        guard stat(path, &status) == 0 else { return false }
        return big || (classic && UInt64(status.st_size) <= UInt64(UInt32.max))
    }

    /// Reads and checks every directory of the TIFF at `path`.
    /// - Throws: `SlideError.corrupt` naming the file and the first problem found: unreadable
    ///   header, truncated file, looping or overlong directory chain, impossible image or tile
    ///   sizes, tile data outside the file.
    public init(path: String) throws {
        self.path = path
        var status = stat()
        guard stat(path, &status) == 0 else { throw SlideError.fileNotFound(path: path) }
        fileSize = UInt64(status.st_size)
        func corrupt(_ reason: String) -> SlideError { .corrupt(path: path, reason: reason) }

        let errorBuffer = UnsafeMutablePointer<CChar>.allocate(capacity: 512)
        errorBuffer.initialize(repeating: 0, count: 512)
        defer { errorBuffer.deallocate() }
        guard let tiff = slidemil_tiff_open(path, "r", errorBuffer) else {
            throw corrupt(Self.headerProblem(path: path, fileSize: fileSize, libtiff: String(cString: errorBuffer)))
        }
        defer { TIFFClose(tiff) }
        isBigTIFF = TIFFIsBigTIFF(tiff) != 0
        var directories: [TIFFDirectory] = []
        var seenOffsets: Set<UInt64> = []
        let checkOffsets = isBigTIFF || fileSize <= UInt64(UInt32.max)  // see appliesTo(_:)
        let reader = RawTIFFReader(path: path, bigTIFF: isBigTIFF, bigEndian: Self.isBigEndianFile(tiff))
        var index = 0
        repeat {
            let directoryOffset = UInt64(TIFFCurrentDirOffset(tiff))
            seenOffsets.insert(directoryOffset)
            let directory = try Self.describe(tiff, index: index, path: path)
            if checkOffsets, let problem = Self.dataOutsideFile(tiff, directory: directory, fileSize: fileSize) {
                throw corrupt(problem)
            }
            directories.append(directory)
            index += 1
            guard index < Self.maximumDirectories else {
                throw corrupt("more than \(Self.maximumDirectories) image directories (a damaged or looping directory chain)")
            }
            if TIFFLastDirectory(tiff) != 0 { break }
            let next = reader.nextDirectoryOffset(after: directoryOffset)
            if let next, seenOffsets.contains(next) {
                throw corrupt("the directory chain loops: directory \(index - 1) points back to the directory at byte \(next)")
            }
            if let next, next >= fileSize {
                throw corrupt("the file is truncated: directory \(index) should start at byte \(next), but the file has \(fileSize) bytes")
            }
            slidemil_tiff_clear_error(errorBuffer)
            if TIFFReadDirectory(tiff) != 1 {
                let message = String(cString: errorBuffer)
                throw corrupt("libtiff cannot read directory \(index)" + (next.map { " at byte \($0)" } ?? "")
                    + (message.isEmpty ? "" : ": \(message)"))
            }
        } while true
        self.directories = directories
    }

    private static func describe(_ tiff: OpaquePointer, index: Int, path: String) throws -> TIFFDirectory {
        func corrupt(_ reason: String) -> SlideError { .corrupt(path: path, reason: "directory \(index): \(reason)") }
        var width: UInt32 = 0, height: UInt32 = 0
        guard slidemil_tiff_get_u32(tiff, UInt32(TIFFTAG_IMAGEWIDTH), &width) == 1,
              slidemil_tiff_get_u32(tiff, UInt32(TIFFTAG_IMAGELENGTH), &height) == 1 else {
            throw corrupt("no ImageWidth/ImageLength")
        }
        guard (1...maximumSide).contains(Int(width)), (1...maximumSide).contains(Int(height)) else {
            throw corrupt("image size \(width) x \(height) px is outside 1...\(maximumSide) px per side")
        }
        var tileWidth: Int?, tileHeight: Int?
        if TIFFIsTiled(tiff) != 0 {
            var tw: UInt32 = 0, th: UInt32 = 0
            _ = slidemil_tiff_get_u32(tiff, UInt32(TIFFTAG_TILEWIDTH), &tw)
            _ = slidemil_tiff_get_u32(tiff, UInt32(TIFFTAG_TILELENGTH), &th)
            guard tileSideRange.contains(Int(tw)), tileSideRange.contains(Int(th)) else {
                throw corrupt("tile size \(tw) x \(th) px is outside \(tileSideRange.lowerBound)...\(tileSideRange.upperBound) px per side")
            }
            let tiles = ((Int(width) + Int(tw) - 1) / Int(tw)) * ((Int(height) + Int(th) - 1) / Int(th))
            guard tiles <= maximumTilesPerDirectory else {
                throw corrupt("\(tiles) tiles (more than \(maximumTilesPerDirectory))")
            }
            tileWidth = Int(tw)
            tileHeight = Int(th)
        }
        var compression: UInt16 = 1, photometric: UInt16 = 0, samples: UInt16 = 1, bits: UInt16 = 1
        _ = slidemil_tiff_get_u16(tiff, UInt32(TIFFTAG_COMPRESSION), &compression)
        _ = slidemil_tiff_get_u16(tiff, UInt32(TIFFTAG_PHOTOMETRIC), &photometric)
        _ = slidemil_tiff_get_u16(tiff, UInt32(TIFFTAG_SAMPLESPERPIXEL), &samples)
        _ = slidemil_tiff_get_u16(tiff, UInt32(TIFFTAG_BITSPERSAMPLE), &bits)
        guard (1...8).contains(Int(samples)), (1...32).contains(Int(bits)) else {
            throw corrupt("\(samples) samples of \(bits) bits per pixel")
        }
        var subfileType: UInt32 = 0
        _ = slidemil_tiff_get_u32(tiff, UInt32(TIFFTAG_SUBFILETYPE), &subfileType)
        var description: UnsafeMutablePointer<CChar>?
        let imageDescription = slidemil_tiff_get_string(tiff, UInt32(TIFFTAG_IMAGEDESCRIPTION), &description) == 1
            ? description.map { String(cString: $0) } : nil
        return TIFFDirectory(
            index: index, width: Int(width), height: Int(height), tileWidth: tileWidth, tileHeight: tileHeight,
            compression: Int(compression), photometric: Int(photometric), samplesPerPixel: Int(samples),
            bitsPerSample: Int(bits), isReducedResolution: subfileType & UInt32(FILETYPE_REDUCEDIMAGE) != 0,
            micronsPerPixel: TIFFResolution.tags(of: tiff), imageDescription: imageDescription)
    }

    /// The first tile or strip whose data does not lie inside the file, described; nil when all do.
    private static func dataOutsideFile(_ tiff: OpaquePointer, directory: TIFFDirectory, fileSize: UInt64) -> String? {
        let count = directory.isTiled ? TIFFNumberOfTiles(tiff) : TIFFNumberOfStrips(tiff)
        let kind = directory.isTiled ? "tile" : "strip"
        for strile in 0..<count {
            let offset = TIFFGetStrileOffset(tiff, strile), size = TIFFGetStrileByteCount(tiff, strile)
            if size == 0 { continue }
            let (end, overflow) = offset.addingReportingOverflow(size)
            if overflow || end > fileSize {
                return "the file is truncated or damaged: \(kind) \(strile) of directory \(directory.index) "
                    + "(\(directory.width) x \(directory.height) px) needs bytes \(offset)..<\(overflow ? UInt64.max : end), "
                    + "but the file has \(fileSize) bytes"
            }
        }
        return nil
    }

    private static func isBigEndianFile(_ tiff: OpaquePointer) -> Bool {
        (TIFFIsByteSwapped(tiff) != 0) == (1.littleEndian == 1)
    }

    private static func headerProblem(path: String, fileSize: UInt64, libtiff: String) -> String {
        let detail = libtiff.isEmpty ? "" : " (libtiff: \(libtiff))"
        if fileSize < 16 { return "the file is truncated: \(fileSize) bytes is too short for a TIFF" + detail }
        if let first = RawTIFFReader.firstDirectoryOffset(path: path) {
            let reader = RawTIFFReader(path: path, bigTIFF: RawTIFFReader.isBigTIFF(path: path), bigEndian: RawTIFFReader.isBigEndian(path: path))
            let end = reader.directoryEnd(at: first)
            if first >= fileSize || end.map({ $0 > fileSize }) ?? true {
                return "the file is truncated: its first directory (byte \(first)"
                    + (end.map { " to \($0)" } ?? "") + ") runs past the end of the file (\(fileSize) bytes)" + detail
            }
        }
        return "libtiff cannot read its first image directory" + detail
    }
}

/// Reads directory links straight from the file, for the checks libtiff does not report: where
/// a directory's next-directory pointer leads, where the first directory is.
private struct RawTIFFReader {
    let path: String
    let bigTIFF: Bool
    let bigEndian: Bool

    /// The offset in the next-directory pointer of the directory at `offset`, nil when unreadable.
    func nextDirectoryOffset(after offset: UInt64) -> UInt64? {
        guard let end = directoryEnd(at: offset) else { return nil }
        return read(at: end - (bigTIFF ? 8 : 4), size: bigTIFF ? 8 : 4)
    }

    /// The byte just after the directory at `offset` (entry count, entries, next pointer), nil
    /// when its entry count cannot be read.
    func directoryEnd(at offset: UInt64) -> UInt64? {
        guard let count = read(at: offset, size: bigTIFF ? 8 : 2) else { return nil }
        let (entries, overflow) = count.multipliedReportingOverflow(by: bigTIFF ? 20 : 12)
        guard !overflow, entries < UInt64.max / 2, offset < UInt64.max / 2 else { return nil }
        return offset + (bigTIFF ? 16 : 6) + entries
    }

    static func isBigTIFF(path: String) -> Bool {
        let head = header(path)
        return head.count >= 4 && (head[2] == 0x2B || head[3] == 0x2B)
    }

    static func isBigEndian(path: String) -> Bool { header(path).first == 0x4D }

    private static func header(_ path: String) -> [UInt8] {
        guard let handle = FileHandle(forReadingAtPath: path) else { return [] }
        defer { try? handle.close() }
        return [UInt8]((try? handle.read(upToCount: 16)) ?? Data())
    }

    /// The first directory's offset from the header of the TIFF at `path`.
    static func firstDirectoryOffset(path: String) -> UInt64? {
        let head = header(path)
        guard head.count >= 8 else { return nil }
        let bigEndian = head[0] == 0x4D, big = head[2] == 0x2B || head[3] == 0x2B
        let bytes = big ? Array(head[8..<min(16, head.count)]) : Array(head[4..<8])
        guard bytes.count == (big ? 8 : 4) else { return nil }
        return decode(bytes, bigEndian: bigEndian)
    }

    private func read(at offset: UInt64, size: Int) -> UInt64? {
        guard let handle = FileHandle(forReadingAtPath: path) else { return nil }
        defer { try? handle.close() }
        guard (try? handle.seek(toOffset: offset)) != nil,
              let data = try? handle.read(upToCount: size), data.count == size else { return nil }
        return Self.decode([UInt8](data), bigEndian: bigEndian)
    }

    private static func decode(_ bytes: [UInt8], bigEndian: Bool) -> UInt64 {
        (bigEndian ? bytes : bytes.reversed()).reduce(0) { $0 << 8 | UInt64($1) }
    }
}
