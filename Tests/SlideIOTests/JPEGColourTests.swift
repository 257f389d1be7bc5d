import SlideIO
import XCTest

/// OpenSlide reads the writer's YCbCr JPEG tiles back in the right colours.
final class JPEGColourTests: XCTestCase {
    func testJPEGSlideReadsBackCloseToTheSource() throws {
        let folder = try TestFolder()
        defer { folder.remove() }
        let path = folder.path("jpeg.tif")
        let synthetic = try TestSlides.write(.init(width: 1200, height: 900, seed: 3, tumorCount: 1), to: path, compression: .jpeg(quality: 90))
        let slide = try OpenSlideSlide(path: path)
        XCTAssertEqual(slide.vendor, "generic-tiff")
        for (x, y) in [(0, 0), (300, 400), (600, 450), (100, 700), (800, 200)] {
            let read = TestSlides.mean(try slide.readRegion(level: 0, x: x, y: y, width: 64, height: 64))
            let truth = TestSlides.mean(synthetic.region(x: x, y: y, width: 64, height: 64))
            XCTAssertEqual(read.0, truth.0, accuracy: 4, "red at \(x),\(y)")
            XCTAssertEqual(read.1, truth.1, accuracy: 4, "green at \(x),\(y)")
            XCTAssertEqual(read.2, truth.2, accuracy: 4, "blue at \(x),\(y)")
        }
    }
}
