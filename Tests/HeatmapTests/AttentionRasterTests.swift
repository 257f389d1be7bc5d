import Heatmap
import XCTest

final class AttentionRasterTests: XCTestCase {
    func testTilesCoverThePixelsWhoseCentresTheyContain() {
        let raster = AttentionRaster(width: 10, height: 10, downsampleX: 16, downsampleY: 8)
        // Level-0 x 8..<40 holds the centres 8 and 24 (pixels 0, 1), not 40 (pixel 2).
        let pixels = raster.pixels(of: TileFootprint(x: 8, y: 8, side: 32))
        XCTAssertEqual(pixels.columns, 0..<2)
        // Rows: centres 4, 12, ..., 36 → 8..<40 holds rows 1...4.
        XCTAssertEqual(pixels.rows, 1..<5)
    }

    func testTileSmallerThanAPixelClaimsThePixelUnderItsCentre() {
        let raster = AttentionRaster(width: 4, height: 4, downsampleX: 100, downsampleY: 100)
        let pixels = raster.pixels(of: TileFootprint(x: 130, y: 260, side: 20))
        XCTAssertEqual(pixels.columns, 1..<2)
        XCTAssertEqual(pixels.rows, 2..<3)
    }

    func testTilesAreClippedAtTheBorder() {
        let raster = AttentionRaster(width: 4, height: 4, downsampleX: 10, downsampleY: 10)
        let pixels = raster.pixels(of: TileFootprint(x: 30, y: 0, side: 30))
        XCTAssertEqual(pixels.columns, 3..<4)
        XCTAssertEqual(pixels.rows, 0..<3)
    }

    func testOverlappingTilesAreAveraged() {
        var raster = AttentionRaster(width: 6, height: 2, downsampleX: 1, downsampleY: 1, overlap: .average)
        raster.add(TileFootprint(x: 0, y: 0, width: 4, height: 2), value: 1)
        raster.add(TileFootprint(x: 2, y: 0, width: 3, height: 2), value: 0)
        raster.add(TileFootprint(x: 3, y: 0, width: 1, height: 2), value: 0.5)
        let row = Array(raster.values.prefix(6))
        XCTAssertEqual(Array(row.prefix(5)), [1, 1, 0.5, 0.5, 0])
        XCTAssertTrue(row[5].isNaN, "an uncovered pixel has no value")
        XCTAssertEqual(Array(raster.count.prefix(6)), [1, 1, 2, 3, 1, 0])
        XCTAssertEqual(raster.covered.filter { $0 }.count, 10)
    }

    func testLastRuleKeepsTheLastTile() {
        var raster = AttentionRaster(width: 4, height: 1, downsampleX: 1, downsampleY: 1, overlap: .last)
        raster.add(TileFootprint(x: 0, y: 0, width: 3, height: 1), value: 1)
        raster.add(TileFootprint(x: 2, y: 0, width: 2, height: 1), value: 0.25)
        XCTAssertEqual(raster.values, [1, 1, 0.25, 0.25])
    }

    func testSmoothingStaysWithinTheTileValuesAndLeavesBackgroundEmpty() {
        var raster = AttentionRaster(width: 20, height: 10, downsampleX: 1, downsampleY: 1)
        raster.add(TileFootprint(x: 0, y: 0, width: 5, height: 10), value: 1)
        raster.add(TileFootprint(x: 5, y: 0, width: 5, height: 10), value: 0)
        let smoothed = raster.smoothedValues(with: GaussianBlur(sigma: 2))
        for row in 0..<10 {
            for column in 0..<20 {
                let value = smoothed[row * 20 + column]
                if column >= 10 {
                    XCTAssertTrue(value.isNaN)
                } else {
                    XCTAssertTrue((0...1).contains(value), "\(value) at \(column), \(row)")
                }
            }
        }
        // Far from the edge between the tiles the values are unchanged; at it they meet halfway.
        XCTAssertEqual(smoothed[5 * 20 + 0], 1, accuracy: 0.03)
        XCTAssertEqual(smoothed[5 * 20 + 9], 0, accuracy: 0.03)
        XCTAssertGreaterThan(smoothed[5 * 20 + 4], smoothed[5 * 20 + 5])
        XCTAssertEqual(smoothed[5 * 20 + 4] + smoothed[5 * 20 + 5], 1, accuracy: 0.1)
    }
}
