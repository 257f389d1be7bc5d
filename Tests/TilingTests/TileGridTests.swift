import XCTest
import SlideIO
import Tiling

final class TileGridTests: XCTestCase {
    func testTissueFractionWeighsPartialMaskPixels() {
        // Mask pixels of 10 level-0 px; tissue in mask column 1 only.
        let mask = TissueMask(mask: BinaryMask(width: 3, height: 2, bits: [0, 1, 0, 0, 1, 0]), downsampleX: 10, downsampleY: 10)
        XCTAssertEqual(mask.tissueFraction(x: 10, y: 0, width: 10, height: 20), 1)
        XCTAssertEqual(mask.tissueFraction(x: 5, y: 0, width: 10, height: 10), 0.5, accuracy: 1e-12)
        XCTAssertEqual(mask.tissueFraction(x: 0, y: 0, width: 30, height: 20), 1.0 / 3, accuracy: 1e-12)
        XCTAssertEqual(mask.tissueFraction(x: 12, y: 3, width: 2, height: 2), 1) // inside one mask pixel
        XCTAssertEqual(mask.tissueFraction(x: 25, y: 15, width: 10, height: 10), 0) // partly outside the mask
    }

    func testKeptTilesAreInsideTheSlideAndOnTissue() throws {
        // 1000 x 700 level-0 px; tissue is the level-0 rectangle [200, 800) x [100, 500).
        let width = 1000, height = 700
        let bits = (0..<(width / 10) * (height / 10)).map { index -> UInt8 in
            let x = (index % 100) * 10, y = (index / 100) * 10
            return x >= 200 && x < 800 && y >= 100 && y < 500 ? 1 : 0
        }
        let mask = TissueMask(mask: BinaryMask(width: 100, height: 70, bits: bits), downsampleX: 10, downsampleY: 10)
        let levels = [SlideLevel(width: width, height: height, downsample: 1)]
        var parameters = TileGridParameters()
        parameters.tileSize = 64
        parameters.target = .micronsPerPixel(0.5)
        let geometry = try TileGeometry(levels: levels, level0PixelsPerTargetPixel: 2, parameters: parameters)
        XCTAssertEqual(geometry.footprint, 128)
        let grid = try TileGrid(slidePath: "s", width: width, height: height, geometry: geometry, mask: mask, minTissueFraction: 0.5)
        // Grid origins 0, 128, ..., 768 in x (7 fit: 768 + 128 <= 1000) and 0, ..., 512 in y (5).
        XCTAssertEqual(grid.candidateCount, 7 * 5)
        // Per axis, fraction of [o, o + 128) inside the tissue span: x 0 -> 0, 128 -> 56/128,
        // 256..640 -> 1, 768 -> 32/128; y 0 -> 28/128, 128 and 256 -> 1, 384 -> 116/128, 512 -> 0.
        // Kept when the product >= 0.5.
        let expectedX = [256, 384, 512, 640], expectedY = [128, 256, 384]
        let expected = expectedY.flatMap { y in expectedX.map { Level0Point(x: $0, y: y) } }
        XCTAssertEqual(grid.coordinates, expected)
        for (point, fraction) in zip(grid.coordinates, grid.tissueFractions) {
            XCTAssertLessThanOrEqual(point.x + geometry.footprint, width)
            XCTAssertLessThanOrEqual(point.y + geometry.footprint, height)
            XCTAssertGreaterThanOrEqual(fraction, 0.5)
        }
        XCTAssertEqual(grid.tissueFractions[0], 1, accuracy: 1e-12)
        XCTAssertEqual(grid.tissueFractions[8], 116.0 / 128, accuracy: 1e-12)
    }

    func testZeroFractionKeepsEveryPositionAndOversizedTilesThrow() throws {
        let mask = TissueMask(mask: BinaryMask(width: 10, height: 10), downsampleX: 10, downsampleY: 10)
        let levels = [SlideLevel(width: 100, height: 100, downsample: 1)]
        var parameters = TileGridParameters()
        parameters.tileSize = 30
        let geometry = try TileGeometry(levels: levels, level0PixelsPerTargetPixel: 1, parameters: parameters)
        let all = try TileGrid(slidePath: "s", width: 100, height: 100, geometry: geometry, mask: mask, minTissueFraction: 0)
        XCTAssertEqual(all.coordinates.count, 9) // 0, 30, 60 per axis
        let none = try TileGrid(slidePath: "s", width: 100, height: 100, geometry: geometry, mask: mask, minTissueFraction: 0.5)
        XCTAssertEqual(none.coordinates, [])
        XCTAssertThrowsError(try TileGrid(slidePath: "small.svs", width: 20, height: 100, geometry: geometry, mask: mask, minTissueFraction: 0)) {
            XCTAssertEqual($0 as? TilingError, .tileLargerThanSlide(slide: "small.svs", footprint: 30, width: 20, height: 100))
        }
    }

    func testSegmentedSlideYieldsTilesInsideTheKnownTissue() throws {
        // Tissue disc of radius 900 level-0 px at 0.25 µm/px; tiles of 256 px at 0.5 µm/px.
        let (image, truth) = syntheticHE(width: 2560, height: 2048, seed: 11) { x, y in
            pow(Double(x - 1280), 2) + pow(Double(y - 1024), 2) <= 900 * 900
        }
        let slide = InMemorySlide(image: image, downsamples: [1, 2, 8, 32], mpp: 0.25)
        var segmentation = TissueSegmentationParameters()
        segmentation.minTissueArea = 10_000
        let tissue = try TissueSegmenter(parameters: segmentation).segment(slide)
        let grid = try TileGrid(slide: slide, mask: tissue.mask, parameters: TileGridParameters())
        XCTAssertEqual(grid.geometry.level, 1)
        XCTAssertFalse(grid.coordinates.isEmpty)
        for point in grid.coordinates {
            var inside = 0
            for y in stride(from: point.y, to: point.y + 512, by: 8) {
                for x in stride(from: point.x, to: point.x + 512, by: 8) where truth[x, y] { inside += 1 }
            }
            XCTAssertGreaterThanOrEqual(Double(inside) / 4096, 0.4, "tile at \(point)")
        }
        // Tiles fully inside the disc must all be kept.
        for y in stride(from: 0, through: 2048 - 512, by: 512) {
            for x in stride(from: 0, through: 2560 - 512, by: 512) {
                let corners = [(x, y), (x + 512, y), (x, y + 512), (x + 512, y + 512)]
                if corners.allSatisfy({ pow(Double($0.0 - 1280), 2) + pow(Double($0.1 - 1024), 2) <= 880 * 880 }) {
                    XCTAssertTrue(grid.coordinates.contains(Level0Point(x: x, y: y)), "(\(x), \(y)) inside the disc")
                }
            }
        }
    }
}
