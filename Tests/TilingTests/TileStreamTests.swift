import XCTest
import SlideIO
import Tensor
import Tiling
import Raster

final class TileStreamTests: XCTestCase {
    /// A slide whose pixel colour encodes its position, so every tile can be checked.
    private func codedSlide(failing: Set<Level0Point> = [], delay: TimeInterval = 0) -> InMemorySlide {
        var image = RGBImage(width: 320, height: 320)
        for y in 0..<320 { for x in 0..<320 { image[x, y] = (UInt8(x / 16), UInt8(y / 16), 77) } }
        return InMemorySlide(image: image, downsamples: [1], mpp: 0.5, failing: failing, delay: delay, path: "coded.svs")
    }

    private func geometry(for slide: Slide) throws -> TileGeometry {
        var parameters = TileGridParameters()
        parameters.tileSize = 16
        return try TileGeometry(slide: slide, parameters: parameters)
    }

    /// Every 16 px cell, in a shuffled but fixed order (the stream must keep the given order, not sort).
    private var coordinates: [Level0Point] {
        var points = (0..<400).map { Level0Point(x: ($0 % 20) * 16, y: ($0 / 20) * 16) }
        var state: UInt64 = 7
        for index in points.indices.reversed() {
            state = state &* 6364136223846793005 &+ 1442695040888963407
            points.swapAt(index, Int((state >> 33) % UInt64(index + 1)))
        }
        return points
    }

    func testDeliversEveryCoordinateInOrderWithBoundedQueue() throws {
        let slide = codedSlide(delay: 0.0005)
        let coords = coordinates
        let stream = TileStream(slide: slide, geometry: try geometry(for: slide), coordinates: coords,
                                batchSize: 7, readers: 3, queueDepth: 2)
        XCTAssertEqual(stream.batchCount, 58)
        var delivered: [Level0Point] = []
        var expectedIndex = 0
        while let batch = try stream.next() {
            XCTAssertEqual(batch.index, expectedIndex)
            expectedIndex += 1
            for (point, tile) in zip(batch.coordinates, batch.tiles) {
                XCTAssertEqual(tile.width, 16)
                XCTAssertEqual(tile[5, 9].red, UInt8(point.x / 16))
                XCTAssertEqual(tile[5, 9].green, UInt8(point.y / 16))
            }
            delivered += batch.coordinates
            Thread.sleep(forTimeInterval: 0.002) // a slow consumer: readers must wait, not run ahead
        }
        XCTAssertEqual(delivered, coords)
        XCTAssertEqual(slide.readCount, coords.count)
        XCTAssertLessThanOrEqual(stream.maxBatchesInFlight, 2)
        XCTAssertGreaterThanOrEqual(stream.maxBatchesInFlight, 1)
        XCTAssertNil(try stream.next())
        stream.waitForReaders()
    }

    func testStopPolicyThrowsWithSlideAndCoordinatesAndEnds() throws {
        let coords = coordinates
        let bad = coords[100]
        let slide = codedSlide(failing: [bad])
        let stream = TileStream(slide: slide, geometry: try geometry(for: slide), coordinates: coords, batchSize: 10, readers: 2)
        var delivered = 0
        var thrown: Error?
        do {
            while let batch = try stream.next() { delivered += batch.tiles.count }
        } catch {
            thrown = error
        }
        XCTAssertEqual(delivered, 100) // batches 0...9, then batch 10 fails
        let failure = try XCTUnwrap(thrown as? TilingError)
        XCTAssertEqual(failure, .tileRead(slide: "coded.svs", x: bad.x, y: bad.y, reason: "corrupt JPEG tile"))
        XCTAssertNil(try stream.next())
        stream.waitForReaders()
    }

    func testSkipPolicyListsBadTilesAndDeliversTheRest() throws {
        let coords = coordinates
        let bad: Set<Level0Point> = [coords[3], coords[250], coords[399]]
        let slide = codedSlide(failing: bad)
        let stream = TileStream(slide: slide, geometry: try geometry(for: slide), coordinates: coords,
                                batchSize: 16, readers: 2, policy: .skip)
        var delivered: [Level0Point] = []
        var skipped: [Level0Point] = []
        while let batch = try stream.next() {
            delivered += batch.coordinates
            skipped += batch.skipped.map(\.coordinate)
            XCTAssertTrue(batch.skipped.allSatisfy { $0.reason.contains("coded.svs") })
        }
        XCTAssertEqual(delivered, coords.filter { !bad.contains($0) })
        XCTAssertEqual(skipped, coords.filter { bad.contains($0) })
    }

    func testCancelStopsDeliveryAndReaders() throws {
        let slide = codedSlide(delay: 0.001)
        let stream = TileStream(slide: slide, geometry: try geometry(for: slide), coordinates: coordinates,
                                batchSize: 8, readers: 2, queueDepth: 3)
        XCTAssertNotNil(try stream.next())
        stream.cancel()
        XCTAssertNil(try stream.next())
        stream.waitForReaders()
        XCTAssertLessThan(slide.readCount, 8 * 6)
    }

    func testEmptyCoordinatesEndAtOnce() throws {
        let slide = codedSlide()
        let stream = TileStream(slide: slide, geometry: try geometry(for: slide), coordinates: [])
        XCTAssertEqual(stream.batchCount, 0)
        XCTAssertNil(try stream.next())
        stream.waitForReaders()
    }

    func testTensorNormalisesPerChannel() {
        var tile = RGBImage(width: 2, height: 1)
        tile[0, 0] = (255, 0, 51)
        tile[1, 0] = (0, 255, 102)
        let batch = TileBatch(index: 0, coordinates: [Level0Point(x: 0, y: 0)], tiles: [tile], skipped: [])
        let tensor = batch.tensor(mean: [0.5, 0.5, 0.2], std: [0.5, 0.25, 0.1])
        XCTAssertEqual(tensor.shape, [1, 3, 1, 2])
        let expected: [Float] = [1, -1, -2, 2, 0, 2] // R plane, G plane, B plane
        for (value, want) in zip(tensor.storage, expected) { XCTAssertEqual(value, want, accuracy: 1e-5) }
        XCTAssertEqual(TileBatch(index: 0, coordinates: [], tiles: [], skipped: []).tensor().shape, [0, 3, 0, 0])
    }
}
