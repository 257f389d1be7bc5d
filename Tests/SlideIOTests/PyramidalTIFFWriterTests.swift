import Raster
import SlideIO
import SlideSynthesis
import XCTest

/// The writer's files, read back through OpenSlide.
final class PyramidalTIFFWriterTests: XCTestCase {
    private var folder: TestFolder!

    override func setUpWithError() throws { folder = try TestFolder() }
    override func tearDown() { folder.remove() }

    func testLevelGeometryFollowsHalvingDownToOneTile() throws {
        let path = folder.path("odd.tif")
        try TestSlides.write(.init(width: 1111, height: 777, seed: 1), to: path, compression: .jpeg(quality: 80))
        let slide = try OpenSlideSlide(path: path)
        // ceil-halving 1111 x 777 until the longer side fits 256 px.
        let expected = [(1111, 777), (556, 389), (278, 195), (139, 98)]
        XCTAssertEqual(slide.levels.count, expected.count)
        for (index, (level, size)) in zip(slide.levels, expected).enumerated() {
            XCTAssertEqual(level.width, size.0)
            XCTAssertEqual(level.height, size.1)
            // OpenSlide's downsample is the mean of the width and height ratios.
            XCTAssertEqual(level.downsample, (1111.0 / Double(size.0) + 777.0 / Double(size.1)) / 2, accuracy: 1e-9)
            // Every level decodes (a whole-level read has no transparent, i.e. white-filled, holes
            // where tissue is): the middle of the first tissue piece is not background.
            let image = try slide.readRegion(level: index, x: 0, y: 0, width: size.0, height: size.1)
            XCTAssertNotEqual(image[size.0 / 4, size.1 / 2].green, 255, "level \(index)")
        }
        let writer = try PyramidalTIFFWriter(width: 1111, height: 777)
        XCTAssertEqual(writer.levelSizes.map(\.width), expected.map(\.0))
        XCTAssertEqual(writer.totalTiles, 5 * 4 + 3 * 2 + 2 * 1 + 1)
        // Deflate pyramids stop before a level smaller than a tile (OpenSlide 3.4.1 cannot read those).
        let deflate = try PyramidalTIFFWriter(width: 1111, height: 777, compression: .deflate)
        XCTAssertEqual(deflate.levelSizes.map(\.width), [1111, 556])
    }

    func testDeflateLevel0IsExactAndLevel1IsTheTwoByTwoMean() throws {
        let path = folder.path("exact.tif")
        let synthetic = try TestSlides.write(.init(width: 900, height: 700, seed: 7, tumorCount: 1), to: path)
        let slide = try OpenSlideSlide(path: path)
        // A region crossing tile borders (256) in both directions.
        let read = try slide.readRegion(level: 0, x: 230, y: 240, width: 300, height: 290)
        XCTAssertEqual(read, synthetic.region(x: 230, y: 240, width: 300, height: 290))

        let level1 = try slide.readRegion(level: 1, x: 200, y: 300, width: 40, height: 30)
        let source = synthetic.region(x: 200, y: 300, width: 80, height: 60)
        for (x, y) in [(0, 0), (13, 7), (39, 29), (20, 15)] {
            for channel in 0..<3 {
                var sum = 0
                for (dx, dy) in [(0, 0), (1, 0), (0, 1), (1, 1)] {
                    sum += Int(source.pixels[((2 * y + dy) * 80 + 2 * x + dx) * 3 + channel])
                }
                XCTAssertEqual(Int(level1.pixels[(y * 40 + x) * 3 + channel]), (sum + 2) / 4, "level 1 (\(x), \(y)) channel \(channel)")
            }
        }
    }

    func testResolutionTagsGiveTheMicronsPerPixelAndLevelResolutionsScale() throws {
        let path = folder.path("mpp.tif")
        try TestSlides.write(.init(width: 600, height: 500, micronsPerPixel: 0.243, seed: 2), to: path,
                             micronsPerPixel: MicronsPerPixel(x: 0.243, y: 0.226))
        let slide = try OpenSlideSlide(path: path)
        XCTAssertEqual(slide.resolutionSource, .tiffResolutionTags)
        XCTAssertEqual(try XCTUnwrap(slide.micronsPerPixel).x, 0.243, accuracy: 1e-4)
        XCTAssertEqual(try XCTUnwrap(slide.micronsPerPixel).y, 0.226, accuracy: 1e-4)
        XCTAssertEqual(slide.properties["tiff.ResolutionUnit"], "centimeter")
        XCTAssertEqual(Double(try XCTUnwrap(slide.properties["tiff.XResolution"])) ?? 0, 10_000 / 0.243, accuracy: 0.5)
        XCTAssertEqual(slide.properties["tiff.ImageDescription"], "test slide")
    }

    func testFactorFourPyramid() throws {
        let path = folder.path("four.tif")
        let synthetic = try SyntheticSlide(.init(width: 2000, height: 1500, seed: 4))
        let writer = try PyramidalTIFFWriter(width: 2000, height: 1500, compression: .deflate, downsampleFactor: 4)
        try writer.write(to: path) { synthetic.region(x: $0.x, y: $0.y, width: $0.width, height: $0.height) }
        let slide = try OpenSlideSlide(path: path)
        XCTAssertEqual(slide.levels.map(\.width), [2000, 500])
        XCTAssertEqual(slide.levels.map(\.height), [1500, 375])
        let block = try slide.readRegion(level: 1, x: 400, y: 400, width: 1, height: 1)
        let mean = TestSlides.mean(synthetic.region(x: 400, y: 400, width: 4, height: 4))
        XCTAssertEqual(Double(block.pixels[0]), mean.0, accuracy: 0.51)
    }

    func testFailingSourceLeavesNoFileBehind() throws {
        struct SourceBroke: Error {}
        let path = folder.path("broken.tif")
        let writer = try PyramidalTIFFWriter(width: 1000, height: 1000)
        XCTAssertThrowsError(try writer.write(to: path) { rect in
            if rect.y >= 512 { throw SourceBroke() }
            return RGBImage(width: rect.width, height: rect.height)
        }) { XCTAssertTrue($0 is SourceBroke) }
        XCTAssertEqual(folder.contents(), [], "neither the slide nor temporary files remain")
    }

    func testWrongTileSizeFromTheSourceIsAWriteError() throws {
        let path = folder.path("wrong.tif")
        let writer = try PyramidalTIFFWriter(width: 300, height: 300)
        XCTAssertThrowsError(try writer.write(to: path) { _ in RGBImage(width: 10, height: 10) }) { error in
            guard case .writeFailed = error as? SlideError else { return XCTFail("\(error)") }
            XCTAssertTrue("\(error)".contains("10 x 10"), "\(error)")
        }
        XCTAssertEqual(folder.contents(), [])
    }

    func testReplacesAnExistingFileOnlyWhenDone() throws {
        let path = folder.path("replace.tif")
        try "old".write(toFile: path, atomically: true, encoding: .utf8)
        try TestSlides.write(.init(width: 400, height: 300, seed: 9), to: path)
        XCTAssertEqual(try OpenSlideSlide(path: path).dimensions.width, 400)
        XCTAssertEqual(folder.contents(), ["replace.tif"])
    }

    func testInvalidConfigurationsAreRejected() {
        let bad: [() throws -> PyramidalTIFFWriter] = [
            { try PyramidalTIFFWriter(width: 0, height: 10) },
            { try PyramidalTIFFWriter(width: 10, height: 10, tileSize: 100) },
            { try PyramidalTIFFWriter(width: 10, height: 10, compression: .jpeg(quality: 0)) },
            { try PyramidalTIFFWriter(width: 10, height: 10, downsampleFactor: 3) },
            { try PyramidalTIFFWriter(width: 10, height: 10, micronsPerPixel: MicronsPerPixel(x: 0, y: 0.25)) },
        ]
        for make in bad {
            XCTAssertThrowsError(try make()) { error in
                guard case .invalidConfiguration = error as? SlideError else { return XCTFail("\(error)") }
            }
        }
    }
}
