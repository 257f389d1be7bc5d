import Foundation
import Heatmap
import XCTest

final class PNGCodecTests: XCTestCase {
    /// Pixels that exercise every byte value and differ between neighbours.
    private func pattern(width: Int, height: Int, format: PixelFormat) -> RasterImage {
        let count = width * height * format.channels
        return RasterImage(width: width, height: height, format: format,
                           pixels: (0..<count).map { UInt8(truncatingIfNeeded: $0 * 37 + $0 / 7) })
    }

    func testRoundTripIsExactForEveryFormatAndOddSizes() throws {
        for format in PixelFormat.allCases {
            for (width, height) in [(1, 1), (7, 5), (33, 2), (256, 3)] {
                let image = pattern(width: width, height: height, format: format)
                let png = try PNGCodec.encode(image)
                XCTAssertEqual(Array(png.prefix(8)), [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A])
                XCTAssertEqual(try PNGCodec.decode(png, as: format), image, "\(format) \(width)x\(height)")
            }
        }
    }

    func testDecodingConvertsGrayToRGB() throws {
        let gray = RasterImage(width: 3, height: 1, format: .gray, pixels: [0, 128, 255])
        let rgb = try PNGCodec.decode(try PNGCodec.encode(gray), as: .rgb)
        XCTAssertEqual(rgb.pixels, [0, 0, 0, 128, 128, 128, 255, 255, 255])
        XCTAssertEqual(Array(rgb[1, 0]), [128, 128, 128])
    }

    func testDroppingAlphaKeepsOpaquePixelsAndBlackensTransparentOnes() throws {
        let rgba = RasterImage(width: 3, height: 1, format: .rgba, pixels: [10, 20, 30, 255, 200, 100, 50, 255, 200, 100, 50, 0])
        XCTAssertEqual(try PNGCodec.decode(try PNGCodec.encode(rgba), as: .rgb).pixels, [10, 20, 30, 200, 100, 50, 0, 0, 0])
    }

    func testDecodesFromFile() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("slidemil-png-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let url = folder.appendingPathComponent("heatmap.png")
        let image = RasterImage(width: 4, height: 4, format: .rgb, fill: [255, 0, 0])
        try PNGCodec.encode(image).write(to: url)
        XCTAssertEqual(try PNGCodec.decode(contentsOf: url), image)
        let missing = folder.appendingPathComponent("missing.png")
        XCTAssertThrowsError(try PNGCodec.decode(contentsOf: missing)) { error in
            XCTAssertTrue("\(error)".contains(missing.path), "\(error)")
        }
    }

    func testCorruptInputIsReportedNotCrashed() throws {
        let valid = try PNGCodec.encode(pattern(width: 16, height: 16, format: .rgb))
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
        XCTAssertThrowsError(try PNGCodec.encode(RasterImage(width: 0, height: 3, format: .rgb, pixels: [])))
    }

    func testRasterSubscriptWritesOnePixel() {
        var image = RasterImage(width: 2, height: 2, format: .rgba, fill: [0, 0, 0, 255])
        image[1, 1] = [9, 8, 7, 6]
        XCTAssertEqual(image.pixels, [0, 0, 0, 255, 0, 0, 0, 255, 0, 0, 0, 255, 9, 8, 7, 6])
    }
}
