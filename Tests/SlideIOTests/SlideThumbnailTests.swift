import Foundation
import Raster
import SlideIO
import XCTest

/// A slide that forwards to another and records which levels and sizes were read.
private final class RecordingSlide: Slide, @unchecked Sendable {
    let inner: Slide
    private let lock = NSLock()
    private(set) var reads: [(level: Int, pixels: Int)] = []

    init(_ inner: Slide) { self.inner = inner }

    var path: String { inner.path }
    var vendor: String { inner.vendor }
    var levels: [SlideLevel] { inner.levels }
    var micronsPerPixel: MicronsPerPixel? { inner.micronsPerPixel }
    var objectivePower: Double? { inner.objectivePower }
    var properties: [String: String] { inner.properties }
    var associatedImageNames: [String] { inner.associatedImageNames }

    func readRegion(level: Int, x: Int, y: Int, width: Int, height: Int) throws -> RGBImage {
        lock.lock(); reads.append((level, width * height)); lock.unlock()
        return try inner.readRegion(level: level, x: x, y: y, width: width, height: height)
    }

    func associatedImage(named name: String) throws -> RGBImage { try inner.associatedImage(named: name) }
}

/// The thumbnail helper reads a small level, in bands, never level 0 of a pyramid.
final class SlideThumbnailTests: XCTestCase {
    func testPyramidThumbnailNeverReadsLevel0() throws {
        let folder = try TestFolder()
        defer { folder.remove() }
        let path = folder.path("pyramid.tif")
        try TestSlides.write(.init(width: 3000, height: 2000, seed: 2), to: path, compression: .jpeg(quality: 80))
        let slide = RecordingSlide(try OpenSlideSlide(path: path))
        let thumbnail = try slide.thumbnail(maximumSide: 300)
        XCTAssertEqual([thumbnail.width, thumbnail.height], [300, 200])
        // Levels: 3000, 1500, 750, 375, 188 px wide; 375 is the smallest at least 300 wide.
        XCTAssertEqual(Set(slide.reads.map(\.level)), [3])
    }

    func testSingleLevelSlideIsReadInBandsAndMatchesAWholeShrink() throws {
        let folder = try TestFolder()
        defer { folder.remove() }
        let path = folder.path("flat.tif")
        // Deflate at this size has one level only (the next would be shorter than a tile).
        try TestSlides.write(.init(width: 700, height: 400, seed: 4), to: path)
        let slide = RecordingSlide(try OpenSlideSlide(path: path))
        XCTAssertEqual(slide.levels.count, 1)
        let banded = try slide.thumbnail(maximumSide: 70, bandPixels: 700 * 30)
        XCTAssertTrue(slide.reads.allSatisfy { $0.level == 0 && $0.pixels <= 700 * 30 })
        XCTAssertEqual(slide.reads.count, 14, "400 rows in bands of 30")
        let whole = ImageResampler.resize(try slide.readRegion(level: 0, x: 0, y: 0, width: 700, height: 400), width: 70, height: 40)
        XCTAssertEqual(banded, whole)
    }
}
