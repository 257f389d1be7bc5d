import CTIFF
import Raster
import SlideIO
import XCTest

/// The direct JPEG-TIFF reader against OpenSlide on files written by tifffile/imagecodecs.
final class JPEGTIFFSlideTests: XCTestCase {
    private var folder: TestFolder!

    override func setUpWithError() throws { folder = try TestFolder() }
    override func tearDown() { folder.remove() }

    private func largestDifference(_ a: RGBImage, _ b: RGBImage) -> Int {
        XCTAssertEqual([a.width, a.height], [b.width, b.height])
        return zip(a.pixels, b.pixels).map { abs(Int($0) - Int($1)) }.max() ?? 0
    }

    private func meanDifference(_ a: RGBImage, _ b: RGBImage) -> Double {
        Double(zip(a.pixels, b.pixels).map { abs(Int($0) - Int($1)) }.reduce(0, +)) / Double(max(1, a.pixels.count))
    }

    func testDirectReadsEqualOpenSlideAtEachLevel() throws {
        // generic: YCbCr 4:2:0 with shared JPEGTables, 256 px tiles; aperio: BigTIFF, RGB JPEG, 240 px tiles.
        for name in ["generic_tables.tif", "aperio_like.svs", "smallest_first.tif"] {
            let path = TIFFFixture.path(name)
            let opened = try SlideOpener.open(path: path)
            XCTAssertEqual(opened.reader, .direct, "\(name): \(opened.reason)")
            let reference = try OpenSlideSlide(path: path)
            XCTAssertEqual(opened.slide.levels, reference.levels)
            XCTAssertEqual(opened.slide.micronsPerPixel, reference.micronsPerPixel)
            let (width, height) = reference.dimensions
            // Inside one tile, straddling tile borders, over the right and bottom edges, outside.
            let regions = [(0, 0, 64, 48), (200, 220, 100, 90), (230, 230, 300, 270), (width - 70, 100, 128, 64),
                           (300, height - 33, 96, 96), (width - 20, height - 20, 64, 64), (-40, -24, 80, 80),
                           (width + 10, 0, 16, 16)]
            for level in reference.levels.indices {
                let downsample = Int(reference.levels[level].downsample.rounded())
                for (x, y, w, h) in regions {
                    let (lx, ly) = (x / downsample * downsample, y / downsample * downsample)
                    let direct = try opened.slide.readRegion(level: level, x: lx, y: ly, width: w, height: h)
                    let expected = try reference.readRegion(level: level, x: lx, y: ly, width: w, height: h)
                    XCTAssertLessThanOrEqual(largestDifference(direct, expected), 1, "\(name) level \(level) region (\(lx), \(ly), \(w), \(h))")
                }
            }
        }
    }

    func testReducedDecodeIsCloseToABoxFilterShrink() throws {
        let slide = try SlideOpener.open(path: TIFFFixture.path("generic_tables.tif")).slide as? JPEGTIFFSlide
        let direct = try XCTUnwrap(slide)
        for reduction in [2, 4, 8] {
            let full = try direct.readRegion(level: 0, x: 256, y: 128, width: 512, height: 512)
            let reduced = try XCTUnwrap(direct.readRegion(level: 0, x: 256, y: 128, width: 512, height: 512, reduction: reduction))
            let shrunk = ImageResampler.resize(full, width: 512 / reduction, height: 512 / reduction)
            let mean = meanDifference(reduced, shrunk)
            XCTAssertLessThanOrEqual(mean, 2, "1/\(reduction): mean difference \(mean)")
        }
        // Positions that are not a multiple of the reduction are not decoded reduced.
        XCTAssertNil(try direct.readRegion(level: 0, x: 3, y: 0, width: 64, height: 64, reduction: 2))
    }

    func testCacheStaysWithinItsBudgetAndServesSharedTiles() throws {
        let tileBytes = 256 * 256 * 3
        let cache = DecodedTileCache(budgetBytes: 3 * tileBytes + 100)
        let opened = try SlideOpener.open(path: TIFFFixture.path("generic_tables.tif"), cache: cache)
        let reference = try OpenSlideSlide(path: TIFFFixture.path("generic_tables.tif"))
        for step in 0..<20 {
            let (x, y) = (step * 37 % 800, step * 53 % 500)
            let read = try opened.slide.readRegion(level: 0, x: x, y: y, width: 200, height: 200)
            XCTAssertLessThanOrEqual(largestDifference(read, try reference.readRegion(level: 0, x: x, y: y, width: 200, height: 200)), 1)
            XCTAssertLessThanOrEqual(cache.bytesHeld, cache.budgetBytes)
        }
        XCTAssertGreaterThan(cache.statistics.hits, 0)
        XCTAssertGreaterThan(cache.statistics.misses, 3)
    }

    func testNonJPEGSlidesStayWithOpenSlideAndSayWhy() throws {
        let path = folder.path("deflate.tif")
        try TestSlides.write(.init(width: 600, height: 400, seed: 2), to: path)
        let opened = try SlideOpener.open(path: path)
        XCTAssertEqual(opened.reader, .openSlide)
        XCTAssertTrue(opened.reason.contains("compression 8"), opened.reason)
        XCTAssertEqual(try SlideOpener.open(path: TIFFFixture.path("generic_tables.tif"), allowDirect: false).reader, .openSlide)
    }

    /// generic_tables.tif with stored tile 1 of level 0 damaged by `damage` (given the tile's
    /// byte offset and count and the byte-count field's position).
    private func damagedCopy(_ name: String, damage: (inout ClassicTIFFBytes, Int, Int, Int) -> Void) throws -> String {
        var bytes = try ClassicTIFFBytes(contentsOf: TIFFFixture.path("generic_tables.tif"))
        let entries = bytes.entries(ofDirectoryAt: bytes.directoryOffsets[0])
        let offsets = try XCTUnwrap(entries.first { $0.tag == UInt16(TIFFTAG_TILEOFFSETS) })
        let counts = try XCTUnwrap(entries.first { $0.tag == UInt16(TIFFTAG_TILEBYTECOUNTS) })
        let offsetField = Int(bytes.u32(at: offsets.valueOffset)) + 4, countField = Int(bytes.u32(at: counts.valueOffset)) + 4
        damage(&bytes, Int(bytes.u32(at: offsetField)), Int(bytes.u32(at: countField)), countField)
        let path = folder.path(name)
        try bytes.write(to: path)
        return path
    }

    private func assertTileFailure(_ path: String, mentions words: [String], file: StaticString = #filePath, line: UInt = #line) throws {
        let opened = try SlideOpener.open(path: path)
        XCTAssertEqual(opened.reader, .direct, file: file, line: line)
        XCTAssertThrowsError(try opened.slide.readRegion(level: 0, x: 300, y: 10, width: 100, height: 100), file: file, line: line) { error in
            guard case let .readFailed(errorPath, level, _, _, _, _, reason) = error as? SlideError else { return XCTFail("\(error)", file: file, line: line) }
            XCTAssertEqual(errorPath, path, file: file, line: line)
            XCTAssertEqual(level, 0, file: file, line: line)
            XCTAssertTrue(reason.contains("stored tile 1 (column 1, row 0) of level 0"), reason, file: file, line: line)
            for word in words { XCTAssertTrue(reason.contains(word), reason, file: file, line: line) }
        }
        // Tiles elsewhere still read.
        XCTAssertNoThrow(try opened.slide.readRegion(level: 0, x: 0, y: 300, width: 100, height: 100), file: file, line: line)
        // Through OpenSlide, libjpeg's complaints (passed on by libtiff) fail the read too.
        let viaOpenSlide = try OpenSlideSlide(path: path)
        XCTAssertThrowsError(try viaOpenSlide.readRegion(level: 0, x: 300, y: 10, width: 100, height: 100), file: file, line: line) { error in
            guard case let .readFailed(_, _, _, _, _, _, reason) = error as? SlideError else { return XCTFail("\(error)", file: file, line: line) }
            XCTAssertTrue(reason.contains("JPEG"), reason, file: file, line: line)
        }
    }

    func testGarbledTileDataIsReportedNotSilentlyDecoded() throws {
        let path = try damagedCopy("garbled.tif") { bytes, offset, count, _ in
            // Overwrite the middle of the entropy-coded data with bytes libjpeg can still parse.
            for index in offset + count / 2..<offset + count / 2 + 40 { bytes.bytes[index] = UInt8(index % 7 == 0 ? 0xFF : index % 251) }
        }
        try assertTileFailure(path, mentions: ["JPEG"])
    }

    func testTruncatedTileDataIsReportedAsDecodedWithWarnings() throws {
        let path = try damagedCopy("short.tif") { bytes, _, count, countField in
            bytes.setU32(UInt32(count / 3), at: countField)
        }
        try assertTileFailure(path, mentions: ["decoded with warnings"])
    }
}
