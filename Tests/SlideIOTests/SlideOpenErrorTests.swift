import CTIFF
import SlideIO
import XCTest

/// Every kind of bad input gives a typed error naming the file, never a crash.
final class SlideOpenErrorTests: XCTestCase {
    private var folder: TestFolder!

    override func setUpWithError() throws { folder = try TestFolder() }
    override func tearDown() { folder.remove() }

    private func openError(_ path: String, file: StaticString = #filePath, line: UInt = #line) -> SlideError? {
        do {
            _ = try OpenSlideSlide(path: path)
            XCTFail("\(path) opened", file: file, line: line)
            return nil
        } catch let error as SlideError {
            XCTAssertTrue(error.description.contains(path), "\(error)", file: file, line: line)
            return error
        } catch {
            XCTFail("untyped error \(error)", file: file, line: line)
            return nil
        }
    }

    func testMissingEmptyDirectoryAndText() throws {
        XCTAssertEqual(openError(folder.path("nope.svs")), .fileNotFound(path: folder.path("nope.svs")))
        XCTAssertEqual(openError(folder.url.path), .notAFile(path: folder.url.path))

        let empty = folder.path("empty.tif")
        XCTAssertTrue(FileManager.default.createFile(atPath: empty, contents: Data()))
        XCTAssertEqual(openError(empty), .emptyFile(path: empty))

        let text = folder.path("notes.svs")
        try "patient notes, not a slide\n".write(toFile: text, atomically: true, encoding: .utf8)
        guard case let .unsupportedFormat(_, found, _) = openError(text) else { return XCTFail() }
        XCTAssertTrue(found.contains("text"), found)
    }

    func testUnreadableFileIsPermissionDenied() throws {
        try XCTSkipIf(getuid() == 0, "root reads every file")
        let path = folder.path("locked.tif")
        try TestSlides.write(.init(width: 300, height: 300, seed: 1), to: path)
        chmod(path, 0)
        XCTAssertEqual(openError(path), .permissionDenied(path: path))
    }

    func testStripedTIFFIsUnsupportedWithConversionAdvice() throws {
        let path = folder.path("striped.tif")
        var errorBuffer = [CChar](repeating: 0, count: 512)
        let tiff = try XCTUnwrap(slidemil_tiff_open(path, "w", &errorBuffer))
        _ = slidemil_tiff_set_u32(tiff, UInt32(TIFFTAG_IMAGEWIDTH), 64)
        _ = slidemil_tiff_set_u32(tiff, UInt32(TIFFTAG_IMAGELENGTH), 64)
        _ = slidemil_tiff_set_u16(tiff, UInt32(TIFFTAG_SAMPLESPERPIXEL), 3)
        _ = slidemil_tiff_set_u16(tiff, UInt32(TIFFTAG_BITSPERSAMPLE), 8)
        _ = slidemil_tiff_set_u16(tiff, UInt32(TIFFTAG_PHOTOMETRIC), UInt16(PHOTOMETRIC_RGB))
        _ = slidemil_tiff_set_u32(tiff, UInt32(TIFFTAG_ROWSPERSTRIP), 64)
        var row = [UInt8](repeating: 200, count: 64 * 3)
        for y in 0..<64 { _ = row.withUnsafeMutableBytes { TIFFWriteScanline(tiff, $0.baseAddress, UInt32(y), 0) } }
        TIFFClose(tiff)
        guard case let .unsupportedFormat(_, found, advice) = openError(path) else { return XCTFail() }
        XCTAssertTrue(found.contains("strips"), found)
        XCTAssertTrue(advice.contains("vips tiffsave --tile --pyramid"), advice)
    }

    func testTruncatedTIFFIsCorruptOrUnsupported() throws {
        let path = folder.path("truncated.tif")
        try TestSlides.write(.init(width: 800, height: 600, seed: 3), to: path, compression: .jpeg(quality: 80))
        let data = try Data(contentsOf: URL(fileURLWithPath: path))
        try data.prefix(data.count / 2).write(to: URL(fileURLWithPath: path))
        switch openError(path) {
        case .corrupt?, .unsupportedFormat?: break
        case let other: XCTFail("\(String(describing: other))")
        }
    }

    func testCorruptJPEGTileFailsThatReadOnlyAndNamesThePosition() throws {
        let path = folder.path("corrupt.tif")
        try TestSlides.write(.init(width: 1024, height: 768, seed: 8, tumorCount: 1), to: path, compression: .jpeg(quality: 90))
        // Zero the compressed bytes of level-0 tile (column 2, row 1).
        var errorBuffer = [CChar](repeating: 0, count: 512)
        let tiff = try XCTUnwrap(slidemil_tiff_open(path, "r", &errorBuffer))
        let tile = TIFFComputeTile(tiff, 512, 256, 0, 0)
        let offset = TIFFGetStrileOffset(tiff, tile), size = TIFFGetStrileByteCount(tiff, tile)
        TIFFClose(tiff)
        let handle = try XCTUnwrap(FileHandle(forUpdatingAtPath: path))
        try handle.seek(toOffset: offset)
        handle.write(Data(repeating: 0, count: Int(size)))
        try handle.close()

        let slide = try OpenSlideSlide(path: path)
        XCTAssertThrowsError(try slide.readRegion(level: 0, x: 600, y: 300, width: 64, height: 64)) { error in
            guard case let .readFailed(errorPath, level, x, y, _, _, reason) = error as? SlideError else { return XCTFail("\(error)") }
            XCTAssertEqual(errorPath, path)
            XCTAssertEqual([level, x, y], [0, 600, 300])
            XCTAssertFalse(reason.isEmpty)
            XCTAssertTrue("\(error)".contains("(600, 300)"), "\(error)")
        }
        // The dead handle was dropped: reads elsewhere still work, also after the failure.
        XCTAssertNoThrow(try slide.readRegion(level: 0, x: 0, y: 0, width: 64, height: 64))
        XCTAssertNoThrow(try slide.readRegion(level: 1, x: 0, y: 0, width: 64, height: 64))
        XCTAssertThrowsError(try slide.readRegion(level: 0, x: 520, y: 260, width: 8, height: 8))
    }
}
