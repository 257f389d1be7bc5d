import COpenSlide
import CTIFF
import XCTest

/// libtiff writes a one-tile RGB TIFF; libtiff and OpenSlide both read it back.
final class TIFFAndOpenSlideSmokeTests: XCTestCase {
    private let side: UInt32 = 256

    /// Pixel (x, y) of the test image: a colour gradient so that misplaced reads show.
    private func expectedPixel(x: Int, y: Int) -> (UInt8, UInt8, UInt8) {
        (UInt8(x), UInt8(y), UInt8((x + y) / 2))
    }

    private func writeTinyTiledTIFF(to path: String) throws {
        var errorBuffer = [CChar](repeating: 0, count: 512)
        let tiff = try XCTUnwrap(slidemil_tiff_open(path, "w", &errorBuffer), String(cString: errorBuffer))
        defer { TIFFClose(tiff) }
        XCTAssertEqual(slidemil_tiff_set_u32(tiff, UInt32(TIFFTAG_IMAGEWIDTH), side), 1)
        XCTAssertEqual(slidemil_tiff_set_u32(tiff, UInt32(TIFFTAG_IMAGELENGTH), side), 1)
        XCTAssertEqual(slidemil_tiff_set_u32(tiff, UInt32(TIFFTAG_TILEWIDTH), side), 1)
        XCTAssertEqual(slidemil_tiff_set_u32(tiff, UInt32(TIFFTAG_TILELENGTH), side), 1)
        XCTAssertEqual(slidemil_tiff_set_u16(tiff, UInt32(TIFFTAG_SAMPLESPERPIXEL), 3), 1)
        XCTAssertEqual(slidemil_tiff_set_u16(tiff, UInt32(TIFFTAG_BITSPERSAMPLE), 8), 1)
        XCTAssertEqual(slidemil_tiff_set_u16(tiff, UInt32(TIFFTAG_PHOTOMETRIC), UInt16(PHOTOMETRIC_RGB)), 1)
        XCTAssertEqual(slidemil_tiff_set_u16(tiff, UInt32(TIFFTAG_PLANARCONFIG), UInt16(PLANARCONFIG_CONTIG)), 1)
        XCTAssertEqual(slidemil_tiff_set_u16(tiff, UInt32(TIFFTAG_COMPRESSION), UInt16(COMPRESSION_ADOBE_DEFLATE)), 1)
        var tile = [UInt8](repeating: 0, count: Int(side * side * 3))
        for y in 0..<Int(side) {
            for x in 0..<Int(side) {
                let (r, g, b) = expectedPixel(x: x, y: y)
                let offset = (y * Int(side) + x) * 3
                tile[offset] = r; tile[offset + 1] = g; tile[offset + 2] = b
            }
        }
        let written = tile.withUnsafeMutableBytes { TIFFWriteTile(tiff, $0.baseAddress, 0, 0, 0, 0) }
        XCTAssertEqual(Int(written), tile.count, String(cString: errorBuffer))
    }

    func testLibTIFFReadsBackWhatItWrote() throws {
        let folder = try TemporaryDirectory()
        defer { folder.remove() }
        let path = folder.path("tiny.tif")
        try writeTinyTiledTIFF(to: path)

        var errorBuffer = [CChar](repeating: 0, count: 512)
        let tiff = try XCTUnwrap(slidemil_tiff_open(path, "r", &errorBuffer))
        defer { TIFFClose(tiff) }
        var width: UInt32 = 0, tileWidth: UInt32 = 0
        XCTAssertEqual(slidemil_tiff_get_u32(tiff, UInt32(TIFFTAG_IMAGEWIDTH), &width), 1)
        XCTAssertEqual(slidemil_tiff_get_u32(tiff, UInt32(TIFFTAG_TILEWIDTH), &tileWidth), 1)
        XCTAssertEqual(width, side)
        XCTAssertEqual(tileWidth, side)
        var tile = [UInt8](repeating: 0, count: Int(side * side * 3))
        let read = tile.withUnsafeMutableBytes { TIFFReadTile(tiff, $0.baseAddress, 0, 0, 0, 0) }
        XCTAssertEqual(Int(read), tile.count)
        let offset = (17 * Int(side) + 200) * 3
        XCTAssertEqual(tile[offset], 200)
        XCTAssertEqual(tile[offset + 1], 17)
        XCTAssertEqual(tile[offset + 2], 108)
    }

    func testOpenSlideOpensTheTIFFAndReadsARegion() throws {
        let folder = try TemporaryDirectory()
        defer { folder.remove() }
        let path = folder.path("tiny.tif")
        try writeTinyTiledTIFF(to: path)

        let slide = try XCTUnwrap(openslide_open(path))
        defer { openslide_close(slide) }
        XCTAssertNil(openslide_get_error(slide).map { String(cString: $0) })
        XCTAssertEqual(openslide_get_level_count(slide), 1)
        var width: Int64 = 0, height: Int64 = 0
        openslide_get_level0_dimensions(slide, &width, &height)
        XCTAssertEqual(width, Int64(side))
        XCTAssertEqual(height, Int64(side))

        // One pixel at (200, 17): OpenSlide returns premultiplied ARGB, opaque here.
        var argb: [UInt32] = [0]
        openslide_read_region(slide, &argb, 200, 17, 0, 1, 1)
        XCTAssertNil(openslide_get_error(slide).map { String(cString: $0) })
        let (r, g, b) = expectedPixel(x: 200, y: 17)
        XCTAssertEqual(argb[0] >> 24, 255)
        XCTAssertEqual(UInt8((argb[0] >> 16) & 0xFF), r)
        XCTAssertEqual(UInt8((argb[0] >> 8) & 0xFF), g)
        XCTAssertEqual(UInt8(argb[0] & 0xFF), b)
    }

    func testOpenSlideRejectsATextFile() throws {
        let folder = try TemporaryDirectory()
        defer { folder.remove() }
        let path = folder.path("not-a-slide.svs")
        try "hello".write(toFile: path, atomically: true, encoding: .utf8)
        XCTAssertNil(openslide_detect_vendor(path))
        XCTAssertNil(openslide_open(path))
    }
}
