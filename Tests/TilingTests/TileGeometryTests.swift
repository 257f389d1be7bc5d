import XCTest
import SlideIO
import Tiling
import Raster

final class TileGeometryTests: XCTestCase {
    private func levels(_ downsamples: [Double], width: Int = 100_000, height: Int = 80_000) -> [SlideLevel] {
        downsamples.map { SlideLevel(width: Int(Double(width) / $0), height: Int(Double(height) / $0), downsample: $0) }
    }

    private func geometry(mpp: Double, downsamples: [Double], target: TargetResolution = .micronsPerPixel(0.5),
                          tile: Int = 256, overlap: Int = 0) throws -> TileGeometry {
        var parameters = TileGridParameters()
        parameters.target = target
        parameters.tileSize = tile
        parameters.overlap = overlap
        let slide = InMemorySlide(image: RGBImage(width: 4, height: 4), mpp: mpp)
        let ratio = try parameters.target.level0PixelsPerTargetPixel(slide: slide)
        return try TileGeometry(levels: levels(downsamples), level0PixelsPerTargetPixel: ratio, parameters: parameters)
    }

    func testExactLevelIsReadAsIs() throws {
        // 0.25 µm/px, 20× wanted: 2 level-0 px per tile px, level 1 is exactly 2.
        let g = try geometry(mpp: 0.25, downsamples: [1, 2, 4])
        XCTAssertEqual([g.level, g.readSize, g.footprint, g.stride], [1, 256, 512, 512])
        XCTAssertFalse(g.isResized)
    }

    func testNoMatchingLevelReadsFinerAndShrinks() throws {
        // Levels 1, 4, 16 (Aperio): 2× is between; read 512 px at level 0, shrink to 256.
        let g = try geometry(mpp: 0.25, downsamples: [1, 4, 16])
        XCTAssertEqual([g.level, g.readSize, g.footprint], [0, 512, 512])
        XCTAssertTrue(g.isResized)
    }

    func testScannerWithinToleranceUsesTheLevelAndRecordsTheRealFootprint() throws {
        // 0.243 µm/px: 0.5 / 0.243 = 2.058 level-0 px per tile px, 2.9% from level 1.
        let g = try geometry(mpp: 0.243, downsamples: [1, 2, 4])
        XCTAssertEqual([g.level, g.readSize, g.footprint], [1, 256, 512])
        XCTAssertEqual(g.level0PixelsPerTargetPixel, 0.5 / 0.243, accuracy: 1e-12)
    }

    func testScannerOutsideToleranceIsResized() throws {
        // 0.226 µm/px: 2.2124 per tile px, 10.6% from level 1: read round(256 * 2.2124 / 2) = 283 px at level 1.
        let g = try geometry(mpp: 0.226, downsamples: [1, 2, 4])
        XCTAssertEqual([g.level, g.readSize, g.footprint], [1, 283, 566])
    }

    func testFinerTargetThanTheScanEnlargesFromLevelZero() throws {
        // 0.25 µm/px wanted from a 0.5 µm/px scan: 128 level-0 px enlarged to 256.
        let g = try geometry(mpp: 0.5, downsamples: [1, 4], target: .micronsPerPixel(0.25))
        XCTAssertEqual([g.level, g.readSize, g.footprint], [0, 128, 128])
    }

    func testOverlapShortensTheStrideInLevel0Pixels() throws {
        let g = try geometry(mpp: 0.25, downsamples: [1, 2, 4], overlap: 64)
        XCTAssertEqual(g.stride, 384) // (256 - 64) target px × 2
    }

    func testMagnificationUsesTenOverMagnification() throws {
        let g = try geometry(mpp: 0.25, downsamples: [1, 4, 16], target: .magnification(10), tile: 224)
        // 10× = 1 µm/px: 4 level-0 px per tile px, level 1 exactly.
        XCTAssertEqual([g.level, g.readSize, g.footprint], [1, 224, 896])
    }

    func testObjectivePowerStandsInForMissingMpp() throws {
        let slide = InMemorySlide(image: RGBImage(width: 4, height: 4), mpp: nil, objectivePower: 40)
        XCTAssertEqual(try TargetResolution.magnification(20).level0PixelsPerTargetPixel(slide: slide), 2, accuracy: 1e-12)
        XCTAssertEqual(try TargetResolution.micronsPerPixel(1).level0PixelsPerTargetPixel(slide: slide), 4, accuracy: 1e-12)
        let override = MicronsPerPixel(x: 0.5, y: 0.5)
        XCTAssertEqual(try TargetResolution.micronsPerPixel(1).level0PixelsPerTargetPixel(slide: slide, override: override), 2, accuracy: 1e-12)
    }

    func testUnknownResolutionIsAClearError() {
        let slide = InMemorySlide(image: RGBImage(width: 4, height: 4), mpp: nil, objectivePower: nil, path: "case7.tiff")
        XCTAssertThrowsError(try TileGeometry(slide: slide, parameters: TileGridParameters())) { error in
            XCTAssertEqual(error as? TilingError, .unknownResolution(slide: "case7.tiff"))
            XCTAssertTrue("\(error)".contains("case7.tiff"))
        }
    }

    func testBadParametersAreRejected() {
        var overlap = TileGridParameters()
        overlap.overlap = 256
        XCTAssertThrowsError(try overlap.validate())
        var fraction = TileGridParameters()
        fraction.minTissueFraction = 1.5
        XCTAssertThrowsError(try fraction.validate())
    }

    func testReadTileShrinksFromTheChosenLevel() throws {
        // A 2 x 2 checker of 4 px squares: shrunk by 2 to 4 px tiles, each tile px is one colour.
        var image = RGBImage(width: 16, height: 16)
        for y in 0..<16 { for x in 0..<16 where (x / 4 + y / 4) % 2 == 0 { image[x, y] = (0, 0, 0) } }
        let slide = InMemorySlide(image: image, downsamples: [1], mpp: 0.25)
        var parameters = TileGridParameters()
        parameters.tileSize = 4
        let g = try TileGeometry(slide: slide, parameters: parameters)
        XCTAssertEqual([g.level, g.readSize, g.footprint], [0, 8, 8])
        let tile = try g.readTile(from: slide, at: Level0Point(x: 4, y: 0))
        XCTAssertEqual(tile.width, 4)
        // Level-0 columns 4..<12, rows 0..<8: white, black / black, white in 4 px squares -> 2 px here.
        XCTAssertEqual(tile[0, 0].red, 255)
        XCTAssertEqual(tile[2, 0].red, 0)
        XCTAssertEqual(tile[0, 2].red, 0)
        XCTAssertEqual(tile[3, 3].red, 255)
    }
}
