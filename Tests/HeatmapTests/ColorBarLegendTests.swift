import Heatmap
import Raster
import XCTest

final class ColorBarLegendTests: XCTestCase {
    func testLegendIsDrawnBelowAndLeavesThePictureAlone() {
        let picture = RGBImage(width: 400, height: 100, fill: (20, 40, 60))
        let legend = ColorBarLegend(colormap: .jet, caption: "SLIDE_1  P = 0.873", lowLabel: "0", highLabel: "100")
        let result = legend.appended(below: picture)
        let strip = ColorBarLegend.stripHeight(forWidth: 400)
        XCTAssertEqual(result.width, 400)
        XCTAssertEqual(result.height, 100 + strip)
        XCTAssertEqual(Array(result.pixels.prefix(picture.pixels.count)), picture.pixels)

        let legendPixels = result.pixels[picture.pixels.count...]
        let changed = stride(from: legendPixels.startIndex, to: legendPixels.endIndex, by: 3)
            .filter { legendPixels[$0] != 255 || legendPixels[$0 + 1] != 255 || legendPixels[$0 + 2] != 255 }
        XCTAssertGreaterThan(changed.count, 256 * 8, "bar and text drawn")
        // Both ends of the colormap appear in the bar.
        let colours = Set(stride(from: picture.pixels.count, to: result.pixels.count, by: 3).map {
            RGBColor(red: result.pixels[$0], green: result.pixels[$0 + 1], blue: result.pixels[$0 + 2])
        })
        XCTAssertTrue(colours.contains(Colormap.jet.table[0]))
        XCTAssertTrue(colours.contains(Colormap.jet.table[255]))
        XCTAssertTrue(colours.contains(RGBColor(red: 0, green: 0, blue: 0)), "black text")
    }

    func testDifferentCaptionsDrawDifferently() {
        let picture = RGBImage(width: 300, height: 10, fill: (0, 0, 0))
        let first = ColorBarLegend(colormap: .viridis, caption: "P = 0.10").appended(below: picture)
        let second = ColorBarLegend(colormap: .viridis, caption: "P = 0.90").appended(below: picture)
        XCTAssertNotEqual(first, second)
    }

    func testGlyphsDrawTheirBits() {
        var image = RGBImage(width: 20, height: 20, fill: (255, 255, 255))
        BitmapFont.draw("1", into: &image, x: 2, y: 3, scale: 2)
        let black = stride(from: 0, to: image.pixels.count, by: 3).filter { image.pixels[$0] == 0 }.count
        // '1' has 10 set bits; each is a 2 x 2 square.
        XCTAssertEqual(black, 40)
        XCTAssertTrue(image[6, 3] == (0, 0, 0), "top of the stem (column 2 of the glyph)")
        XCTAssertTrue(image[2, 3] == (255, 255, 255))
        XCTAssertEqual(BitmapFont.width(of: "P = 0.5", scale: 2), (7 * 6 - 1) * 2)
    }

    func testLowerCaseDrawsAsCapitalsAndClipsAtTheEdge() {
        var lower = RGBImage(width: 12, height: 8, fill: (255, 255, 255))
        var upper = lower
        BitmapFont.draw("ab", into: &lower, x: 0, y: 0)
        BitmapFont.draw("AB", into: &upper, x: 0, y: 0)
        XCTAssertEqual(lower, upper)
        BitmapFont.draw("%:.", into: &upper, x: 8, y: 4, scale: 3)
        XCTAssertEqual(upper.pixels.count, 12 * 8 * 3)
    }
}
