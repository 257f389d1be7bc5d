import CPNG
import XCTest

/// libpng's simplified API writes an RGB PNG to disk and reads it back unchanged.
final class PNGSmokeTests: XCTestCase {
    func testWriteAndReadBackRGB() throws {
        let folder = try TemporaryDirectory()
        defer { folder.remove() }
        let path = folder.path("smoke.png")
        let width = 7, height = 5
        var pixels = [UInt8](repeating: 0, count: width * height * 3)
        for index in pixels.indices { pixels[index] = UInt8((index * 37) % 256) }

        var image = png_image()
        image.version = slidemil_png_image_version()
        image.width = UInt32(width)
        image.height = UInt32(height)
        image.format = UInt32(PNG_FORMAT_RGB)
        let wrote = png_image_write_to_file(&image, path, 0, pixels, Int32(width * 3), nil)
        XCTAssertEqual(wrote, 1, String(cString: withUnsafeBytes(of: image.message) { Array($0.bindMemory(to: CChar.self)) }))
        png_image_free(&image)

        var reread = png_image()
        reread.version = slidemil_png_image_version()
        XCTAssertEqual(png_image_begin_read_from_file(&reread, path), 1)
        XCTAssertEqual(Int(reread.width), width)
        XCTAssertEqual(Int(reread.height), height)
        reread.format = UInt32(PNG_FORMAT_RGB)
        var decoded = [UInt8](repeating: 0, count: width * height * 3)
        XCTAssertEqual(png_image_finish_read(&reread, nil, &decoded, Int32(width * 3), nil), 1)
        XCTAssertEqual(decoded, pixels)
    }

    func testReadingGarbageFailsCleanly() throws {
        let folder = try TemporaryDirectory()
        defer { folder.remove() }
        let path = folder.path("garbage.png")
        try Data("definitely not a png".utf8).write(to: URL(fileURLWithPath: path))
        var image = png_image()
        image.version = slidemil_png_image_version()
        XCTAssertEqual(png_image_begin_read_from_file(&image, path), 0)
        png_image_free(&image)
    }
}
