import SlideIO
import XCTest

/// Area-averaging shrink.
final class RGBImageShrinkTests: XCTestCase {
    func testHalvingAveragesTwoByTwoBlocks() {
        var image = RGBImage(width: 4, height: 2, fill: (0, 0, 0))
        image[0, 0] = (100, 0, 0); image[1, 0] = (200, 0, 0); image[0, 1] = (0, 40, 0); image[1, 1] = (0, 0, 80)
        image[2, 0] = (255, 255, 255); image[3, 1] = (1, 1, 1)
        let half = image.shrunk(toWidth: 2, height: 1)
        XCTAssertTrue(half[0, 0] == (75, 10, 20))
        XCTAssertTrue(half[1, 0] == (64, 64, 64))
    }

    func testNonIntegerRatioKeepsAUniformImageUniformAndClampsGrowth() {
        let image = RGBImage(width: 7, height: 5, fill: (10, 20, 30))
        let shrunk = image.shrunk(toWidth: 3, height: 2)
        XCTAssertEqual(shrunk, RGBImage(width: 3, height: 2, fill: (10, 20, 30)))
        XCTAssertEqual(image.shrunk(toWidth: 100, height: 100), image)
    }
}
