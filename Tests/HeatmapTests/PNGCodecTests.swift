import Foundation
import Heatmap
import Raster
import XCTest

final class PNGCodecTests: XCTestCase {
    /// Pixels that exercise every byte value and differ between neighbours.
    private func pattern(width: Int, height: Int) -> RGBImage {
        RGBImage(width: width, height: height,
                 pixels: (0..<width * height * 3).map { UInt8(truncatingIfNeeded: $0 * 37 + $0 / 7) })
    }

    func testRoundTripIsExactForOddSizes() throws {
        for (width, height) in [(1, 1), (7, 5), (33, 2), (256, 3)] {
            let image = pattern(width: width, height: height)
            let png = try PNGCodec.encode(image)
            XCTAssertEqual(Array(png.prefix(8)), [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A])
            XCTAssertEqual(try PNGCodec.decode(png), image, "\(width)x\(height)")
        }
    }

    // The two PNGs below were written with Python's zlib and struct (IHDR, one IDAT, IEND):
    // a 3 x 1 8-bit grey image [0, 128, 255], and a 3 x 1 8-bit RGBA image whose last pixel is
    // fully transparent.
    func testDecodingConvertsGrayToRGB() throws {
        let gray = Data(base64Encoded: "iVBORw0KGgoAAAANSUhEUgAAAAMAAAABCAAAAAA+i0toAAAADElEQVR4nGNgaPgPAAIDAYAkYfWXAAAAAElFTkSuQmCC")!
        let rgb = try PNGCodec.decode(gray)
        XCTAssertEqual(rgb.pixels, [0, 0, 0, 128, 128, 128, 255, 255, 255])
        XCTAssertTrue(rgb[1, 0] == (128, 128, 128))
    }

    func testDroppingAlphaKeepsOpaquePixelsAndBlackensTransparentOnes() throws {
        let rgba = Data(base64Encoded: "iVBORw0KGgoAAAANSUhEUgAAAAMAAAABCAYAAAAb4BS0AAAAEklEQVR4nGPgEpH7fyLFCIQZAB9XBPc1JtScAAAAAElFTkSuQmCC")!
        XCTAssertEqual(try PNGCodec.decode(rgba).pixels, [10, 20, 30, 200, 100, 50, 0, 0, 0])
    }

    func testDecodesFromFile() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("slidemil-png-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let url = folder.appendingPathComponent("heatmap.png")
        let image = RGBImage(width: 4, height: 4, fill: (255, 0, 0))
        try PNGCodec.encode(image).write(to: url)
        XCTAssertEqual(try PNGCodec.decode(contentsOf: url), image)
        let missing = folder.appendingPathComponent("missing.png")
        XCTAssertThrowsError(try PNGCodec.decode(contentsOf: missing)) { error in
            XCTAssertTrue("\(error)".contains(missing.path), "\(error)")
        }
    }

    func testCorruptInputIsReportedNotCrashed() throws {
        let valid = try PNGCodec.encode(pattern(width: 16, height: 16))
        XCTAssertThrowsError(try PNGCodec.decode(Data("not a png".utf8), source: "x.png")) { error in
            guard case let .pngDecodingFailed(source, reason)? = error as? HeatmapError else { return XCTFail("\(error)") }
            XCTAssertEqual(source, "x.png")
            XCTAssertFalse(reason.isEmpty)
        }
        // A truncated stream: the header is fine, the image data is cut off.
        XCTAssertThrowsError(try PNGCodec.decode(valid.prefix(valid.count / 2)))
        // A flipped byte inside the compressed data fails its CRC.
        var damaged = valid
        damaged[damaged.count - 20] ^= 0xFF
        XCTAssertThrowsError(try PNGCodec.decode(damaged))
        XCTAssertThrowsError(try PNGCodec.decode(Data()))
    }

    func testEmptyImageCannotBeEncoded() {
        XCTAssertThrowsError(try PNGCodec.encode(RGBImage(width: 0, height: 3, pixels: [])))
    }

    func testSubscriptWritesOnePixel() {
        var image = RGBImage(width: 2, height: 2, fill: (0, 0, 0))
        image[1, 1] = (9, 8, 7)
        XCTAssertEqual(image.pixels, [0, 0, 0, 0, 0, 0, 0, 0, 0, 9, 8, 7])
    }
}
