import CTIFF
import Foundation
import Raster
import SlideIO

/// A libtiff handle whose errors land in a buffer of its own instead of on stderr.
final class TIFFFile {
    let path: String
    let pointer: OpaquePointer
    private let errorBuffer: UnsafeMutablePointer<CChar>
    private var isClosed = false

    /// Opens `path` with a libtiff mode ("r", "w", "w8" for BigTIFF).
    init(path: String, mode: String) throws {
        errorBuffer = .allocate(capacity: 512)
        errorBuffer.initialize(repeating: 0, count: 512)
        guard let pointer = slidemil_tiff_open(path, mode, errorBuffer) else {
            let reason = String(cString: errorBuffer)
            errorBuffer.deallocate()
            throw SlideError.writeFailed(path: path, reason: "libtiff cannot open it (\(reason))")
        }
        self.path = path
        self.pointer = pointer
    }

    deinit {
        close()
        errorBuffer.deallocate()
    }

    /// libtiff's last error message.
    var lastError: String { String(cString: errorBuffer) }

    func close() {
        if !isClosed {
            TIFFClose(pointer)
            isClosed = true
        }
    }

    /// Fails with libtiff's message when `status` is not 1 (libtiff's success value).
    func check(_ status: Int32, _ what: String) throws {
        guard status == 1 else { throw SlideError.writeFailed(path: path, reason: "\(what): \(lastError)") }
    }

    /// Sets the tags of one tiled pyramid level: size, tiling, colour layout, compression,
    /// resolution (pixels per centimetre) and, for level 0, the description.
    func describeLevel(width: Int, height: Int, tileSize: Int, compression: PyramidalTIFFWriter.Compression,
                       micronsPerPixel: MicronsPerPixel?, isReduced: Bool, imageDescription: String?) throws {
        let p = pointer
        try check(slidemil_tiff_set_u32(p, UInt32(TIFFTAG_SUBFILETYPE), isReduced ? UInt32(FILETYPE_REDUCEDIMAGE) : 0), "SubfileType")
        try check(slidemil_tiff_set_u32(p, UInt32(TIFFTAG_IMAGEWIDTH), UInt32(width)), "ImageWidth")
        try check(slidemil_tiff_set_u32(p, UInt32(TIFFTAG_IMAGELENGTH), UInt32(height)), "ImageLength")
        try check(slidemil_tiff_set_u32(p, UInt32(TIFFTAG_TILEWIDTH), UInt32(tileSize)), "TileWidth")
        try check(slidemil_tiff_set_u32(p, UInt32(TIFFTAG_TILELENGTH), UInt32(tileSize)), "TileLength")
        try check(slidemil_tiff_set_u16(p, UInt32(TIFFTAG_SAMPLESPERPIXEL), 3), "SamplesPerPixel")
        try check(slidemil_tiff_set_u16(p, UInt32(TIFFTAG_BITSPERSAMPLE), 8), "BitsPerSample")
        try check(slidemil_tiff_set_u16(p, UInt32(TIFFTAG_PLANARCONFIG), UInt16(PLANARCONFIG_CONTIG)), "PlanarConfiguration")
        switch compression {
        case let .jpeg(quality):
            try check(slidemil_tiff_set_u16(p, UInt32(TIFFTAG_COMPRESSION), UInt16(COMPRESSION_JPEG)), "Compression")
            // YCbCr 4:2:0 as scanners write it; libtiff converts from RGB on the way in.
            try check(slidemil_tiff_set_u16(p, UInt32(TIFFTAG_PHOTOMETRIC), UInt16(PHOTOMETRIC_YCBCR)), "Photometric")
            try check(slidemil_tiff_set_int(p, UInt32(TIFFTAG_JPEGQUALITY), Int32(quality)), "JPEG quality")
            try check(slidemil_tiff_set_int(p, UInt32(TIFFTAG_JPEGCOLORMODE), JPEGCOLORMODE_RGB), "JPEG colour mode")
            // Every tile carries its own tables, so reduced levels can be copied tile by tile
            // from the files they are built in without a shared JPEGTables tag to reconcile.
            try check(slidemil_tiff_set_int(p, UInt32(TIFFTAG_JPEGTABLESMODE), 0), "JPEG tables mode")
        case .deflate:
            try check(slidemil_tiff_set_u16(p, UInt32(TIFFTAG_COMPRESSION), UInt16(COMPRESSION_ADOBE_DEFLATE)), "Compression")
            try check(slidemil_tiff_set_u16(p, UInt32(TIFFTAG_PHOTOMETRIC), UInt16(PHOTOMETRIC_RGB)), "Photometric")
        }
        if let micronsPerPixel {
            try check(slidemil_tiff_set_u16(p, UInt32(TIFFTAG_RESOLUTIONUNIT), UInt16(RESUNIT_CENTIMETER)), "ResolutionUnit")
            try check(slidemil_tiff_set_float(p, UInt32(TIFFTAG_XRESOLUTION), Float(10_000 / micronsPerPixel.x)), "XResolution")
            try check(slidemil_tiff_set_float(p, UInt32(TIFFTAG_YRESOLUTION), Float(10_000 / micronsPerPixel.y)), "YResolution")
        }
        if let imageDescription {
            try check(slidemil_tiff_set_string(p, UInt32(TIFFTAG_IMAGEDESCRIPTION), imageDescription), "ImageDescription")
        }
        try check(slidemil_tiff_set_string(p, UInt32(TIFFTAG_SOFTWARE), "SlideMIL"), "Software")
    }

    /// Encodes one `tileSize` x `tileSize` RGB tile whose top-left pixel is (`x`, `y`).
    func writeTile(_ tile: inout [UInt8], x: Int, y: Int) throws {
        let written = tile.withUnsafeMutableBytes { TIFFWriteTile(pointer, $0.baseAddress, UInt32(x), UInt32(y), 0, 0) }
        guard written >= 0 else {
            throw SlideError.writeFailed(path: path, reason: "tile at (\(x), \(y)): \(lastError)")
        }
    }

    /// Writes `image` as one deflate-compressed RGB strip directory described by `description`.
    func writeStrippedImage(_ image: RGBImage, description: String) throws {
        let p = pointer
        try check(slidemil_tiff_set_u32(p, UInt32(TIFFTAG_SUBFILETYPE), UInt32(FILETYPE_REDUCEDIMAGE)), "SubfileType")
        try check(slidemil_tiff_set_u32(p, UInt32(TIFFTAG_IMAGEWIDTH), UInt32(image.width)), "ImageWidth")
        try check(slidemil_tiff_set_u32(p, UInt32(TIFFTAG_IMAGELENGTH), UInt32(image.height)), "ImageLength")
        try check(slidemil_tiff_set_u16(p, UInt32(TIFFTAG_SAMPLESPERPIXEL), 3), "SamplesPerPixel")
        try check(slidemil_tiff_set_u16(p, UInt32(TIFFTAG_BITSPERSAMPLE), 8), "BitsPerSample")
        try check(slidemil_tiff_set_u16(p, UInt32(TIFFTAG_PLANARCONFIG), UInt16(PLANARCONFIG_CONTIG)), "PlanarConfiguration")
        try check(slidemil_tiff_set_u16(p, UInt32(TIFFTAG_COMPRESSION), UInt16(COMPRESSION_ADOBE_DEFLATE)), "Compression")
        try check(slidemil_tiff_set_u16(p, UInt32(TIFFTAG_PHOTOMETRIC), UInt16(PHOTOMETRIC_RGB)), "Photometric")
        try check(slidemil_tiff_set_u32(p, UInt32(TIFFTAG_ROWSPERSTRIP), UInt32(max(1, 65536 / max(1, image.width * 3)))), "RowsPerStrip")
        try check(slidemil_tiff_set_string(p, UInt32(TIFFTAG_IMAGEDESCRIPTION), description), "ImageDescription")
        var row = [UInt8](repeating: 0, count: image.width * 3)
        for y in 0..<image.height {
            row.replaceSubrange(0..<row.count, with: image.pixels[y * image.width * 3..<(y + 1) * image.width * 3])
            let status = row.withUnsafeMutableBytes { TIFFWriteScanline(p, $0.baseAddress, UInt32(y), 0) }
            try check(status, "row \(y) of '\(description.prefix(40))'")
        }
        try check(TIFFWriteDirectory(p), "finishing '\(description.prefix(40))'")
    }

    /// Copies every tile of `source`'s current directory, still compressed, into this file's
    /// current directory (which must describe the same size, tiling and compression).
    func copyRawTiles(from source: TIFFFile) throws {
        var buffer: [UInt8] = []
        for tile in 0..<TIFFNumberOfTiles(source.pointer) {
            let size = Int(TIFFGetStrileByteCount(source.pointer, tile))
            if buffer.count < size { buffer = [UInt8](repeating: 0, count: size) }
            let read = buffer.withUnsafeMutableBytes { TIFFReadRawTile(source.pointer, tile, $0.baseAddress, tmsize_t(size)) }
            guard read == size else {
                throw SlideError.writeFailed(path: path, reason: "re-reading tile \(tile) of \(source.path): \(source.lastError)")
            }
            let written = buffer.withUnsafeMutableBytes { TIFFWriteRawTile(pointer, tile, $0.baseAddress, tmsize_t(size)) }
            guard written == size else {
                throw SlideError.writeFailed(path: path, reason: "copying tile \(tile): \(lastError)")
            }
        }
    }
}
