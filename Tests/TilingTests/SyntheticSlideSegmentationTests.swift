import XCTest
import SlideIO
import SlideSynthesis
import Tiling
import Raster

/// Segmentation and tiling of the committed sample slides (tiled pyramidal TIFFs read through
/// OpenSlide), checked against the generator's ground truth.
final class SyntheticSlideSegmentationTests: XCTestCase {
    private let samples = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("slides-sample")

    func testMaskMatchesGroundTruthOnEverySample() throws {
        let segmenter = try TissueSegmenter()
        for index in 0..<6 {
            let path = samples.appendingPathComponent("synthetic_\(index).tif").path
            let slide = try OpenSlideSlide(path: path)
            let truth = try SyntheticSlide(SyntheticSlideTruth.load(from: SyntheticSlideTruth.path(forSlide: path)).configuration)
            let result = try segmenter.segment(slide)
            let mask = result.mask
            // Truth sampled at the centre of each mask pixel.
            let expected = BinaryMask(width: mask.mask.width, height: mask.mask.height, bits: (0..<mask.mask.bits.count).map { i in
                let x = Int((Double(i % mask.mask.width) + 0.5) * mask.downsampleX)
                let y = Int((Double(i / mask.mask.width) + 0.5) * mask.downsampleY)
                return truth.isTissue(x: x, y: y) ? 1 : 0
            })
            let iou = mask.mask.intersectionOverUnion(expected)
            XCTAssertGreaterThanOrEqual(iou, 0.9, "synthetic_\(index): IoU \(iou), warnings \(result.warnings)")
            XCTAssertEqual(mask.regions.count, truth.tissueRegions.count, "synthetic_\(index)")

            let grid = try TileGrid(slide: slide, mask: mask, parameters: TileGridParameters())
            XCTAssertFalse(grid.coordinates.isEmpty)
            for point in grid.coordinates {
                XCTAssertLessThanOrEqual(point.x + grid.geometry.footprint, slide.dimensions.width)
                XCTAssertLessThanOrEqual(point.y + grid.geometry.footprint, slide.dimensions.height)
                let centre = truth.isTissue(x: point.x + grid.geometry.footprint / 2, y: point.y + grid.geometry.footprint / 2)
                var inside = 0
                for dy in stride(from: 0, to: grid.geometry.footprint, by: 32) {
                    for dx in stride(from: 0, to: grid.geometry.footprint, by: 32) where truth.isTissue(x: point.x + dx, y: point.y + dy) {
                        inside += 1
                    }
                }
                let side = (grid.geometry.footprint + 31) / 32
                XCTAssertTrue(centre || Double(inside) / Double(side * side) >= 0.3, "synthetic_\(index) tile \(point)")
            }
        }
    }

    func testStreamReadsTheSameTilesAsDirectReads() throws {
        let slide = try OpenSlideSlide(path: samples.appendingPathComponent("synthetic_1.tif").path)
        let mask = try TissueSegmenter().segment(slide).mask
        let grid = try TileGrid(slide: slide, mask: mask, parameters: TileGridParameters())
        let picked = Array(grid.coordinates.prefix(12))
        let stream = TileStream(slide: slide, geometry: grid.geometry, coordinates: picked, batchSize: 5, readers: 2, queueDepth: 2)
        var tiles: [RGBImage] = []
        while let batch = try stream.next() { tiles += batch.tiles }
        XCTAssertEqual(tiles.count, picked.count)
        for (point, tile) in zip(picked, tiles) {
            XCTAssertEqual(tile, try grid.geometry.readTile(from: slide, at: point))
        }
        XCTAssertLessThanOrEqual(stream.maxBatchesInFlight, 2)
    }
}
