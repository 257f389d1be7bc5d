import Raster
import SlideIO
import XCTest

/// Opening and reading slides through OpenSlide.
final class OpenSlideSlideTests: XCTestCase {
    private var folder: TestFolder!

    override func setUpWithError() throws { folder = try TestFolder() }
    override func tearDown() { folder.remove() }

    func testReadCrossingTheSlideEdgeIsWhiteOutside() throws {
        let path = folder.path("edge.tif")
        let synthetic = try TestSlides.write(.init(width: 1000, height: 800, seed: 11), to: path)
        let slide = try OpenSlideSlide(path: path)
        let read = try slide.readRegion(level: 0, x: 950, y: -30, width: 100, height: 100)
        for y in 0..<100 {
            for x in 0..<100 {
                let (sx, sy) = (950 + x, -30 + y)
                let inside = sx < 1000 && sy >= 0
                let expected = inside ? synthetic.pixel(x: sx, y: sy) : (255, 255, 255)
                let got = read[x, y]
                XCTAssertTrue(got == expected, "pixel (\(sx), \(sy)): \(got) instead of \(expected)")
                if got != expected { return }
            }
        }
        let beyond = try slide.readRegion(level: 1, x: 10_000, y: 10_000, width: 8, height: 8)
        XCTAssertEqual(beyond, RGBImage(width: 8, height: 8))
    }

    func testMicronsPerPixelOverrideWinsAndMissingResolutionIsUnknown() throws {
        let path = folder.path("nores.tif")
        try TestSlides.write(.init(width: 300, height: 300, seed: 1), to: path, writeResolution: false)
        let plain = try OpenSlideSlide(path: path)
        XCTAssertNil(plain.micronsPerPixel)
        XCTAssertEqual(plain.resolutionSource, .unknown)
        XCTAssertNil(plain.objectivePower)

        let overridden = try OpenSlideSlide(path: path, mppOverride: MicronsPerPixel(x: 0.5, y: 0.5))
        XCTAssertEqual(overridden.micronsPerPixel, MicronsPerPixel(x: 0.5, y: 0.5))
        XCTAssertEqual(overridden.resolutionSource, .override)

        let tagged = folder.path("tagged.tif")
        try TestSlides.write(.init(width: 300, height: 300, seed: 1), to: tagged)
        XCTAssertEqual(try OpenSlideSlide(path: tagged, mppOverride: MicronsPerPixel(x: 1, y: 1)).micronsPerPixel?.x, 1)
    }

    func testInvalidRegionsAreTypedErrors() throws {
        let path = folder.path("small.tif")
        try TestSlides.write(.init(width: 300, height: 300, seed: 1), to: path)
        let slide = try OpenSlideSlide(path: path)
        for (level, width, height) in [(5, 10, 10), (-1, 10, 10), (0, -1, 10), (0, 1 << 20, 1 << 20)] {
            XCTAssertThrowsError(try slide.readRegion(level: level, x: 0, y: 0, width: width, height: height)) { error in
                guard case .invalidRegion = error as? SlideError else { return XCTFail("\(error)") }
                XCTAssertTrue("\(error)".contains(path))
            }
        }
        XCTAssertEqual(try slide.readRegion(level: 0, x: 0, y: 0, width: 0, height: 5).pixels, [])
        XCTAssertThrowsError(try slide.associatedImage(named: "label")) { error in
            XCTAssertEqual(error as? SlideError, .associatedImageNotFound(path: path, name: "label", available: []))
        }
    }

    func testConcurrentReadsMatchSerialReads() throws {
        let path = folder.path("concurrent.tif")
        try TestSlides.write(.init(width: 1500, height: 1200, seed: 21, tumorCount: 1), to: path, compression: .jpeg(quality: 85))
        let slide = try OpenSlideSlide(path: path, maximumIdleHandles: 3)
        let requests = (0..<48).map { index in (level: index % 3, x: (index * 97) % 1300, y: (index * 61) % 1000) }
        let serial = try requests.map { try slide.readRegion(level: $0.level, x: $0.x, y: $0.y, width: 96, height: 80) }
        final class Box: @unchecked Sendable { var images = [RGBImage?](repeating: nil, count: 48); let lock = NSLock() }
        let box = Box()
        DispatchQueue.concurrentPerform(iterations: 8) { worker in
            for index in stride(from: worker, to: requests.count, by: 8) {
                let request = requests[index]
                let image = try? slide.readRegion(level: request.level, x: request.x, y: request.y, width: 96, height: 80)
                box.lock.lock(); box.images[index] = image; box.lock.unlock()
            }
        }
        for index in requests.indices {
            XCTAssertEqual(box.images[index], serial[index], "request \(index)")
        }
    }

    func testThumbnailAveragesTheSmallestSufficientLevel() throws {
        let path = folder.path("thumb.tif")
        let synthetic = try TestSlides.write(.init(width: 2048, height: 1024, seed: 5, tumorCount: 1), to: path)
        let slide = try OpenSlideSlide(path: path)
        XCTAssertTrue(slide.thumbnailSize(maximumSide: 200) == (200, 100))
        let thumbnail = try slide.thumbnail(maximumSide: 200)
        XCTAssertEqual(thumbnail.width, 200)
        XCTAssertEqual(thumbnail.height, 100)
        // Thumbnail pixel (100, 50) covers level-0 pixels ~(1024...1034, 512...522); compare with the
        // level-0 mean over that block (JPEG-free deflate slide, two averaging steps apart).
        let block = TestSlides.mean(synthetic.region(x: 1024, y: 512, width: 10, height: 10))
        XCTAssertEqual(Double(thumbnail[100, 50].red), block.0, accuracy: 25)
        // Tissue versus background agree with the truth on a coarse grid.
        for (tx, ty) in [(5, 5), (100, 50), (190, 95), (50, 50), (150, 50)] {
            let isTissue = synthetic.isTissue(x: tx * 2048 / 200 + 5, y: ty * 1024 / 100 + 5)
            let pixel = thumbnail[tx, ty]
            XCTAssertEqual(pixel.green < 220, isTissue, "thumbnail (\(tx), \(ty))")
        }
    }
}
