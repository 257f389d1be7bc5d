import CTIFF
import SlideIO
import XCTest

/// Crafted and damaged TIFFs fail alone with a clear reason; none takes the process down.
final class HostileTIFFTests: XCTestCase {
    private var folder: TestFolder!

    override func setUpWithError() throws { folder = try TestFolder() }
    override func tearDown() { folder.remove() }

    /// A valid 640 x 480 JPEG pyramid, as bytes to damage.
    private func validSlide() throws -> ClassicTIFFBytes {
        let path = folder.path("valid.tif")
        try TestSlides.write(.init(width: 640, height: 480, seed: 4), to: path, compression: .jpeg(quality: 80))
        return try ClassicTIFFBytes(contentsOf: path)
    }

    /// The reason of the `.corrupt` error opening `bytes` gives, failing the test otherwise.
    private func corruptReason(_ bytes: ClassicTIFFBytes, _ name: String, file: StaticString = #filePath, line: UInt = #line) throws -> String {
        let path = folder.path(name)
        try bytes.write(to: path)
        do {
            _ = try OpenSlideSlide(path: path)
            XCTFail("\(name) opened", file: file, line: line)
        } catch let SlideError.corrupt(errorPath, reason) {
            XCTAssertEqual(errorPath, path, file: file, line: line)
            return reason
        } catch {
            XCTFail("\(error)", file: file, line: line)
        }
        return ""
    }

    func testTerabyteTileSizeIsRefusedBeforeOpenSlide() throws {
        var bytes = try validSlide()
        bytes.setTag(UInt16(TIFFTAG_TILEWIDTH), to: 1_048_576)
        bytes.setTag(UInt16(TIFFTAG_TILELENGTH), to: 1_048_576)
        let reason = try corruptReason(bytes, "huge-tiles.tif")
        XCTAssertTrue(reason.contains("tile size 1048576 x 1048576 px"), reason)
    }

    func testHugeImageSizeIsRefused() throws {
        var bytes = try validSlide()
        bytes.setTag(UInt16(TIFFTAG_IMAGEWIDTH), to: 3_000_000_000)
        // libtiff itself sees that the tile offsets no longer match the size; either way the file
        // is refused before OpenSlide allocates for it.
        let reason = try corruptReason(bytes, "huge-image.tif")
        XCTAssertTrue(reason.contains("image size 3000000000 x") || reason.contains("TileOffsets"), reason)
    }

    func testDirectoryLoopIsRefused() throws {
        var bytes = try validSlide()
        let directories = bytes.directoryOffsets
        XCTAssertGreaterThan(directories.count, 1)
        bytes.setU32(UInt32(directories[0]), at: bytes.nextPointerOffset(ofDirectoryAt: directories.last!))
        let reason = try corruptReason(bytes, "loop.tif")
        XCTAssertTrue(reason.contains("the directory chain loops"), reason)
    }

    func testTileDataPastTheEndIsCalledTruncated() throws {
        var bytes = try validSlide()
        let directory = bytes.directoryOffsets[0]
        let offsets = try XCTUnwrap(bytes.entries(ofDirectoryAt: directory).first { $0.tag == UInt16(TIFFTAG_TILEOFFSETS) })
        let array = Int(bytes.u32(at: offsets.valueOffset))
        bytes.setU32(UInt32(bytes.bytes.count + 1000), at: array + 4)
        let reason = try corruptReason(bytes, "past-end.tif")
        XCTAssertTrue(reason.contains("truncated or damaged: tile 1 of directory 0"), reason)
    }

    func testTruncatedFileIsCalledTruncated() throws {
        var bytes = try validSlide()
        // libtiff writes each directory after its tiles: half the file keeps the header but
        // loses the directories, a damaged download's usual shape.
        bytes.bytes.removeLast(bytes.bytes.count / 2)
        let reason = try corruptReason(bytes, "truncated.tif")
        XCTAssertTrue(reason.contains("truncated"), reason)
        XCTAssertFalse(reason.contains("compression"), reason)

        // Cut inside the tile data of a later directory: the chain is intact up to there.
        var second = try validSlide()
        let directories = second.directoryOffsets
        second.bytes.removeLast(second.bytes.count - directories[0] - 200)
        let later = try corruptReason(second, "truncated-later.tif")
        XCTAssertTrue(later.contains("truncated"), later)
    }

    func testEmptyFileThroughASymlinkIsEmpty() throws {
        let empty = folder.path("empty.svs"), link = folder.path("link.svs")
        XCTAssertTrue(FileManager.default.createFile(atPath: empty, contents: Data()))
        try FileManager.default.createSymbolicLink(atPath: link, withDestinationPath: empty)
        XCTAssertThrowsError(try OpenSlideSlide(path: link)) { error in
            XCTAssertEqual(error as? SlideError, .emptyFile(path: link))
        }
    }

    func testLibTIFFWarningsBecomeSlideWarningsNotStderr() throws {
        var bytes = try validSlide()
        // Swap the first two entries of directory 0: libtiff warns that tags are not sorted.
        let directory = bytes.directoryOffsets[0]
        let first = Array(bytes.bytes[directory + 2..<directory + 14])
        bytes.bytes.replaceSubrange(directory + 2..<directory + 14, with: bytes.bytes[directory + 14..<directory + 26])
        bytes.bytes.replaceSubrange(directory + 14..<directory + 26, with: first)
        let path = folder.path("unsorted.tif")
        try bytes.write(to: path)
        let slide = try OpenSlideSlide(path: path)
        XCTAssertTrue(slide.warnings.contains { $0.hasPrefix("libtiff warning: ") && $0.contains("not sorted") }, "\(slide.warnings)")
        XCTAssertNoThrow(try slide.readRegion(level: 0, x: 0, y: 0, width: 64, height: 64))
    }
}
