import CTIFF
import CTurboJPEG
import Foundation

/// Why one stored tile could not be decoded, before the slide read adds where it was asked for.
struct JPEGTileFailure: Error {
    let reason: String
}

/// Reads one stored tile's compressed bytes with libtiff (`TIFFReadRawTile`) and decodes them
/// with libjpeg-turbo's TurboJPEG API, at full size or at 1/2, 1/4, 1/8 (DCT-domain scaling).
///
/// One decoder belongs to one reader at a time: it owns a libtiff handle (whose current
/// directory it moves between levels) and a TurboJPEG decompressor.
final class JPEGTileDecoder {
    private let path: String
    private let tiff: OpaquePointer
    private let errorBuffer: UnsafeMutablePointer<CChar>
    private let turbo: tjhandle
    private var currentDirectory = 0
    private var raw: [UInt8] = []
    private var stream: [UInt8] = []

    init(path: String) throws {
        self.path = path
        errorBuffer = .allocate(capacity: 512)
        errorBuffer.initialize(repeating: 0, count: 512)
        // "m": read stored tiles with pread, not through a memory map of the whole file; mapped
        // pages of every tile read stay in the process's resident set, so memory would grow with
        // the slide (about 340 MiB more for a 100k x 100k slide tiled at 20x).
        guard let tiff = slidemil_tiff_open(path, "rm", errorBuffer) else {
            let reason = String(cString: errorBuffer)
            errorBuffer.deallocate()
            throw SlideError.corrupt(path: path, reason: "libtiff cannot reopen it: \(reason)")
        }
        guard let turbo = tjInitDecompress() else {
            TIFFClose(tiff)
            errorBuffer.deallocate()
            throw SlideError.corrupt(path: path, reason: "TurboJPEG cannot start a decompressor")
        }
        self.tiff = tiff
        self.turbo = turbo
    }

    deinit {
        tjDestroy(turbo)
        TIFFClose(tiff)
        errorBuffer.deallocate()
    }

    /// Decodes stored tile `tile` of `level` at 1/`scale` into `destination`, whose rows are
    /// `pitch` bytes apart and which has room for `level.tileWidth / scale` x
    /// `level.tileHeight / scale` RGB px. A tile with no data (byte count 0) comes out white.
    func decode(_ level: JPEGTIFFLevel, tile: Int, scale: Int, into destination: UnsafeMutablePointer<UInt8>, pitch: Int) throws {
        let (width, height) = (level.tileWidth / scale, level.tileHeight / scale)
        if currentDirectory != level.directory {
            slidemil_tiff_clear_error(errorBuffer)
            guard TIFFSetDirectory(tiff, tdir_t(level.directory)) == 1 else {
                throw JPEGTileFailure(reason: "libtiff cannot select TIFF directory \(level.directory): \(String(cString: errorBuffer))")
            }
            currentDirectory = level.directory
        }
        let size = Int(TIFFGetStrileByteCount(tiff, UInt32(tile)))
        if size == 0 {
            for row in 0..<height { destination.advanced(by: row * pitch).update(repeating: 255, count: width * 3) }
            return
        }
        guard size >= 4 else { throw JPEGTileFailure(reason: "its data is \(size) bytes, too short for JPEG") }
        if raw.count < size { raw = [UInt8](repeating: 0, count: size) }
        slidemil_tiff_clear_error(errorBuffer)
        let read = raw.withUnsafeMutableBytes { TIFFReadRawTile(tiff, UInt32(tile), $0.baseAddress, tmsize_t(size)) }
        guard read == size else {
            throw JPEGTileFailure(reason: "libtiff read \(read) of its \(size) bytes: \(String(cString: errorBuffer))")
        }
        guard raw[0] == 0xFF, raw[1] == 0xD8 else { throw JPEGTileFailure(reason: "its data does not start with a JPEG SOI marker") }
        // The tile's bytes after its own SOI, behind the level's prefix (SOI, Adobe marker, tables).
        let prefix = level.streamPrefix
        let total = prefix.count + size - 2
        if stream.count < total { stream = [UInt8](repeating: 0, count: total) }
        stream.withUnsafeMutableBufferPointer { out in
            prefix.withUnsafeBufferPointer { out.baseAddress!.update(from: $0.baseAddress!, count: prefix.count) }
            raw.withUnsafeBufferPointer { out.baseAddress!.advanced(by: prefix.count).update(from: $0.baseAddress! + 2, count: size - 2) }
        }
        Self.overrideColourMarkers(in: &stream, from: prefix.count, to: total, transform: level.adobeTransform)

        var jpegWidth: Int32 = 0, jpegHeight: Int32 = 0, subsampling: Int32 = 0, colorspace: Int32 = 0
        let header = stream.withUnsafeBufferPointer {
            tjDecompressHeader3(turbo, $0.baseAddress, UInt(total), &jpegWidth, &jpegHeight, &subsampling, &colorspace)
        }
        guard header == 0 else { throw JPEGTileFailure(reason: "corrupt JPEG header: \(message())") }
        let scaledWidth = (Int(jpegWidth) + scale - 1) / scale, scaledHeight = (Int(jpegHeight) + scale - 1) / scale
        guard scaledWidth <= width, scaledHeight <= height else {
            throw JPEGTileFailure(reason: "its JPEG is \(jpegWidth) x \(jpegHeight) px, larger than the \(level.tileWidth) x \(level.tileHeight) px tile")
        }
        if scaledWidth < width || scaledHeight < height {
            for row in 0..<height { destination.advanced(by: row * pitch).update(repeating: 255, count: width * 3) }
        }
        let status = stream.withUnsafeBufferPointer {
            tjDecompress2(turbo, $0.baseAddress, UInt(total), destination, Int32(scaledWidth), Int32(pitch),
                          Int32(scaledHeight), Int32(TJPF_RGB.rawValue), 0)
        }
        if status != 0 {
            let text = message()
            if tjGetErrorCode(turbo) == Int32(TJERR_WARNING.rawValue) {
                throw JPEGTileFailure(reason: "JPEG data decoded with warnings (corrupt tile data): \(text)")
            }
            throw JPEGTileFailure(reason: "corrupt JPEG data: \(text)")
        }
    }

    private func message() -> String { String(cString: tjGetErrorStr2(turbo)) }

    /// Makes the tile's own markers (before its first scan) agree with the prefix's Adobe marker:
    /// their Adobe transforms are set to `transform`, and for RGB (0) JFIF markers, which would
    /// make libjpeg convert from YCbCr, are renamed.
    private static func overrideColourMarkers(in stream: inout [UInt8], from start: Int, to end: Int, transform: UInt8) {
        var position = start
        while position + 16 <= end, stream[position] == 0xFF {
            let marker = stream[position + 1]
            if marker == 0xDA || marker == 0xD9 { return }
            let length = Int(stream[position + 2]) << 8 | Int(stream[position + 3])
            if marker == 0xEE, length >= 12, stream[position + 4..<position + 9].elementsEqual([0x41, 0x64, 0x6F, 0x62, 0x65]) {
                stream[position + 15] = transform
            }
            if transform == 0, marker == 0xE0, stream[position + 4..<position + 9].elementsEqual([0x4A, 0x46, 0x49, 0x46, 0x00]) {
                stream[position + 7] = 0x58
            }
            position += 2 + length
        }
    }
}

/// Decoders for one slide, lent to one reader at a time; a reader without one opens a new one.
final class JPEGTileDecoderPool: @unchecked Sendable {
    private let path: String
    private let maximumIdle: Int
    private let lock = NSLock()
    private var idle: [JPEGTileDecoder] = []

    init(path: String, maximumIdle: Int) {
        self.path = path
        self.maximumIdle = max(1, maximumIdle)
    }

    func withDecoder<T>(_ body: (JPEGTileDecoder) throws -> T) throws -> T {
        let decoder = try lock.withLock { idle.popLast() } ?? JPEGTileDecoder(path: path)
        defer { lock.withLock { if idle.count < maximumIdle { idle.append(decoder) } } }
        return try body(decoder)
    }
}
