import SlideIO
import XCTest

/// Level-0 resolution comes from the largest image, wherever it stands in the file.
final class TIFFResolutionTests: XCTestCase {
    func testPyramidWrittenSmallestLevelFirstReportsLevel0Resolution() throws {
        let path = TIFFFixture.path("smallest_first.tif")
        let structure = try TIFFStructure(path: path)
        XCTAssertEqual(structure.directories.map(\.width), [64, 256, 1024])
        let level0 = TIFFResolution.level0(of: structure)
        XCTAssertEqual(level0.directory, 2)
        XCTAssertEqual(try XCTUnwrap(level0.micronsPerPixel?.x), 0.243, accuracy: 1e-4)
        XCTAssertEqual(level0.warnings, [], "every level's tags agree with its downsample")

        let slide = try OpenSlideSlide(path: path)
        XCTAssertEqual(slide.levels.map(\.width), [1024, 256, 64])
        XCTAssertEqual(try XCTUnwrap(slide.micronsPerPixel?.x), 0.243, accuracy: 1e-4)
        XCTAssertEqual(try XCTUnwrap(slide.micronsPerPixel?.y), 0.243, accuracy: 1e-4)
        XCTAssertEqual(slide.resolutionSource, .tiffResolutionTags)
    }

    func testLevelTagsDisagreeingWithTheDownsampleAreAWarning() throws {
        let path = TIFFFixture.path("inconsistent_levels.tif")
        let slide = try OpenSlideSlide(path: path)
        XCTAssertEqual(try XCTUnwrap(slide.micronsPerPixel?.x), 0.25, accuracy: 1e-4)
        let warning = try XCTUnwrap(slide.warnings.first { $0.contains("TIFF directory 1") }, "\(slide.warnings)")
        XCTAssertTrue(warning.contains("downsample 4"), warning)
        XCTAssertTrue(warning.contains("implies 1"), warning)
    }
}
