import Foundation
import Viewer
import XCTest

/// The Deep Zoom pyramid maths against openslide-python's DeepZoomGenerator
/// (`Tests/Fixtures/deepzoom/make_deepzoom_reference.py`), and the edge cases by hand.
/// The one known difference: see `testLevelsGridsAndTileSizesMatchOpenSlideDeepZoom`.
final class DeepZoomPyramidTests: XCTestCase {
    private struct Reference: Decodable {
        struct Level: Decodable {
            let size: [Int]
            let tiles: [Int]
            let tileSizes: [[Int]]
        }
        let width: Int
        let height: Int
        let tileSize: Int
        let overlap: Int
        let levelCount: Int
        let levels: [Level]
    }

    func testLevelsGridsAndTileSizesMatchOpenSlideDeepZoom() throws {
        let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("Fixtures/deepzoom/deepzoom_reference.json")
        let cases = try JSONDecoder().decode([Reference].self, from: Data(contentsOf: url))
        XCTAssertEqual(cases.count, 7)
        for reference in cases {
            let pyramid = DeepZoomPyramid(width: reference.width, height: reference.height,
                                          tileSize: reference.tileSize, overlap: reference.overlap)
            let name = "\(reference.width)x\(reference.height) tile \(reference.tileSize) overlap \(reference.overlap)"
            XCTAssertEqual(pyramid.levelCount, reference.levelCount, name)
            for (level, expected) in reference.levels.enumerated() {
                let size = pyramid.size(ofLevel: level)
                XCTAssertEqual([size.width, size.height], expected.size, "\(name) level \(level)")
                let grid = pyramid.tileGrid(ofLevel: level)
                XCTAssertEqual([grid.columns, grid.rows], expected.tiles, "\(name) level \(level)")
                for tile in expected.tileSizes {
                    let rect = try XCTUnwrap(pyramid.tileRect(level: level, column: tile[0], row: tile[1]))
                    // Where the last tile is narrower than the overlap, OpenSlide's tile before it
                    // runs past the level's edge; ours stops there, as OpenSeadragon's DZI source does.
                    let expected = [min(tile[2], size.width - rect.x), min(tile[3], size.height - rect.y)]
                    XCTAssertEqual([rect.width, rect.height], expected, "\(name) level \(level) tile \(tile[0]),\(tile[1])")
                }
            }
        }
    }

    func testHundredThousandPixelSlide() {
        let pyramid = DeepZoomPyramid(width: 100_000, height: 100_000, tileSize: 256)
        XCTAssertEqual(pyramid.levelCount, 18, "2^17 = 131072 is the first power of two >= 100000")
        XCTAssertEqual(pyramid.downsample(ofLevel: 17), 1)
        XCTAssertEqual(pyramid.downsample(ofLevel: 0), 131_072)
        let grid = pyramid.tileGrid(ofLevel: 17)
        XCTAssertEqual(grid.columns, 391)
        let last = pyramid.tileRect(level: 17, column: 390, row: 390)
        XCTAssertEqual(last?.width, 100_000 - 390 * 256, "the edge tile is only as wide as what is left")
        XCTAssertEqual(last?.x, 390 * 256)
    }

    func testOverlapOnlyOnSidesWithANeighbour() {
        let pyramid = DeepZoomPyramid(width: 1000, height: 600, tileSize: 256, overlap: 1)
        let first = pyramid.tileRect(level: pyramid.maximumLevel, column: 0, row: 0)
        XCTAssertEqual(first?.x, 0)
        XCTAssertEqual(first?.width, 257)
        let inner = pyramid.tileRect(level: pyramid.maximumLevel, column: 1, row: 1)
        XCTAssertEqual(inner?.x, 255)
        XCTAssertEqual(inner?.width, 258)
    }

    func testTilesOutsideThePyramidAreNil() {
        let pyramid = DeepZoomPyramid(width: 1000, height: 600)
        XCTAssertNil(pyramid.tileRect(level: pyramid.maximumLevel + 1, column: 0, row: 0))
        XCTAssertNil(pyramid.tileRect(level: -1, column: 0, row: 0))
        XCTAssertNil(pyramid.tileRect(level: pyramid.maximumLevel, column: 4, row: 0))
        XCTAssertNil(pyramid.tileRect(level: pyramid.maximumLevel, column: 0, row: 3))
        XCTAssertNil(pyramid.tileRect(level: 0, column: 1, row: 0))
        XCTAssertNotNil(pyramid.tileRect(level: 0, column: 0, row: 0))
    }

    func testDescriptorNamesSizeTileAndOverlap() {
        let text = DeepZoomPyramid(width: 1000, height: 600, tileSize: 254, overlap: 1).descriptor()
        XCTAssertTrue(text.contains(#"TileSize="254""#), text)
        XCTAssertTrue(text.contains(#"Overlap="1""#), text)
        XCTAssertTrue(text.contains(#"<Size Width="1000" Height="600"/>"#), text)
    }
}
