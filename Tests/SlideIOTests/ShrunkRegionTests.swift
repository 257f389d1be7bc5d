import Foundation
import Raster
import SlideIO
import XCTest

/// `Slide.shrunkRegion` reads in bands and averages them into the same picture as reading the
/// region whole and shrinking it.
final class ShrunkRegionTests: XCTestCase {
    func testBandsGiveTheSamePictureAsOneRead() throws {
        let folder = try TestFolder()
        defer { folder.remove() }
        let path = folder.path("slide.tif")
        try TestSlides.write(.init(width: 1200, height: 900, seed: 5), to: path, compression: .deflate)
        let slide = try OpenSlideSlide(path: path)
        // Level 1 (downsample 2), a region whose height is not a multiple of the band.
        let whole = ImageResampler.resize(try slide.readRegion(level: 1, x: 100, y: 60, width: 300, height: 250), width: 75, height: 50)
        let banded = try slide.shrunkRegion(level: 1, x: 100, y: 60, width: 300, height: 250,
                                            outputWidth: 75, outputHeight: 50, bandPixels: 300 * 7)
        XCTAssertEqual(banded, whole)
        let clamped = try slide.shrunkRegion(level: 0, x: 0, y: 0, width: 40, height: 30, outputWidth: 80, outputHeight: 60)
        XCTAssertEqual([clamped.width, clamped.height], [40, 30], "outputs larger than the region are clamped")
    }
}
