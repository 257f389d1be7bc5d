import XCTest
import SlideIO
import Tiling

final class TissueSegmenterTests: XCTestCase {
    /// Three tissue pieces: an ellipse with a hole, a rectangle, a small round biopsy.
    private func layout(_ x: Int, _ y: Int, scale: Double) -> Bool {
        let fx = Double(x) / scale, fy = Double(y) / scale
        let ellipse = pow((fx - 120) / 80, 2) + pow((fy - 110) / 60, 2)
        if ellipse <= 1 && pow((fx - 130) / 15, 2) + pow((fy - 110) / 15, 2) > 1 { return true }
        if fx >= 240 && fx < 360 && fy >= 40 && fy < 200 { return true }
        return pow(fx - 300, 2) + pow(fy - 250, 2) <= 20 * 20
    }

    func testRecoversTheKnownLayoutOnAThumbnail() throws {
        let (image, truth) = syntheticHE(width: 400, height: 300, seed: 1) { layout($0, $1, scale: 1) }
        let segmenter = try TissueSegmenter()
        // One thumbnail px = 64 level-0 px of 0.25 µm: 16 µm, so the minimum piece is 6400 px.
        let result = segmenter.segment(thumbnail: image, downsampleX: 64, downsampleY: 64, micronsPerPixel: 0.25)
        XCTAssertEqual(result.warnings, [])
        // The ellipse's 707 px hole is below the 1024 px hole limit and is filled; the 1257 px
        // round piece is below the 6400 px tissue limit and goes: IoU with the truth ~0.94.
        XCTAssertGreaterThanOrEqual(result.mask.mask.intersectionOverUnion(truth), 0.9)
        XCTAssertEqual(result.mask.regions.count, 2)
        XCTAssertTrue(result.mask.regions.allSatisfy { $0.holeCount == 0 })
    }

    func testPaleStainIsFoundByOtsuAndNotByAHighFixedThreshold() throws {
        let (image, truth) = syntheticHE(width: 300, height: 200, seed: 2, stain: (236, 226, 234)) { x, y in
            pow(Double(x - 150) / 100, 2) + pow(Double(y - 100) / 70, 2) <= 1
        }
        let otsu = try TissueSegmenter().segment(thumbnail: image, downsampleX: 64, downsampleY: 64, micronsPerPixel: 0.25)
        XCTAssertGreaterThanOrEqual(otsu.mask.mask.intersectionOverUnion(truth), 0.9)
        XCTAssertEqual(otsu.warnings, [])
        var fixed = TissueSegmentationParameters()
        fixed.threshold = .fixed(20)
        let clam = try TissueSegmenter(parameters: fixed).segment(thumbnail: image, downsampleX: 64, downsampleY: 64, micronsPerPixel: 0.25)
        XCTAssertEqual(clam.mask.mask.setCount, 0)
        XCTAssertEqual(clam.warnings, [.noTissue])
    }

    func testBlankSlideWarnsInsteadOfInventingTissue() throws {
        let (image, _) = syntheticHE(width: 200, height: 150, seed: 3) { _, _ in false }
        let result = try TissueSegmenter().segment(thumbnail: image, downsampleX: 64, downsampleY: 64, micronsPerPixel: nil)
        XCTAssertEqual(result.mask.mask.setCount, 0)
        XCTAssertEqual(result.threshold, TissueSegmenter.fallbackThreshold)
        XCTAssertTrue(result.warnings.contains(.noTissue))
        XCTAssertTrue(result.warnings.contains(.areasAtReferenceResolution(micronsPerPixel: 0.25)))
        XCTAssertTrue(result.warnings.contains { if case .otsuFallback = $0 { return true } else { return false } })
    }

    func testTinyBiopsyIsKeptWithAWarning() throws {
        let (image, truth) = syntheticHE(width: 200, height: 200, seed: 4) { x, y in
            pow(Double(x - 100), 2) + pow(Double(y - 100), 2) <= 12 * 12
        }
        let result = try TissueSegmenter().segment(thumbnail: image, downsampleX: 64, downsampleY: 64, micronsPerPixel: 0.25)
        XCTAssertGreaterThanOrEqual(result.mask.mask.intersectionOverUnion(truth), 0.85)
        XCTAssertTrue(result.warnings.contains { if case .minimumAreaRelaxed = $0 { return true } else { return false } })
    }

    func testSegmentsAPyramidAtTheLevelNearestTheTargetDownsample() throws {
        let (image, _) = syntheticHE(width: 3200, height: 2400, seed: 5) { layout($0, $1, scale: 8) }
        // 2 µm/px keeps the pieces above the area limits at this small size.
        let slide = InMemorySlide(image: image, downsamples: [1, 4, 16, 32], mpp: 2)
        let segmenter = try TissueSegmenter()
        XCTAssertEqual(segmenter.segmentationDownsample(for: slide).downsample, 32)
        let result = try segmenter.segment(slide)
        XCTAssertEqual(result.mask.mask.width, 100)
        XCTAssertEqual(result.mask.mask.height, 75)
        XCTAssertEqual(result.mask.downsampleX, 32)
        let truth = BinaryMask(width: 100, height: 75, bits: (0..<7500).map { index in
            layout((index % 100) * 32 + 16, (index / 100) * 32 + 16, scale: 8) ? 1 : 0
        })
        XCTAssertGreaterThanOrEqual(result.mask.mask.intersectionOverUnion(truth), 0.9)
    }

    func testSingleLevelSlideIsShrunkToTheCapNotLoadedWhole() throws {
        let slide = ProceduralSlide(width: 8192, height: 4096) { x, y in
            let inside = pow(Double(x - 4096) / 3000, 2) + pow(Double(y - 2048) / 1500, 2) <= 1
            return inside ? (190, 110, 160) : (245, 245, 245)
        }
        var parameters = TissueSegmentationParameters()
        parameters.maxSide = 512
        let result = try TissueSegmenter(parameters: parameters).segment(slide)
        XCTAssertEqual(result.mask.mask.width, 512)
        XCTAssertEqual(result.mask.mask.height, 256)
        XCTAssertEqual(result.warnings.first, .downsampleRaised(from: 1, to: 16))
        let truth = BinaryMask(width: 512, height: 256, bits: (0..<512 * 256).map { index in
            let x = Double((index % 512) * 16 + 8), y = Double((index / 512) * 16 + 8)
            return pow((x - 4096) / 3000, 2) + pow((y - 2048) / 1500, 2) <= 1 ? 1 : 0
        })
        XCTAssertGreaterThanOrEqual(result.mask.mask.intersectionOverUnion(truth), 0.97)
    }

    func testA4096PixelThumbnailSegmentsInWellUnderASecond() throws {
        let (image, _) = syntheticHE(width: 4096, height: 3072, seed: 6) { layout($0, $1, scale: 10) }
        let segmenter = try TissueSegmenter()
        // CPU time of this thread, so that other processes on a shared machine do not count.
        let start = threadCPUSeconds()
        let result = segmenter.segment(thumbnail: image, downsampleX: 64, downsampleY: 64, micronsPerPixel: 0.25)
        let seconds = threadCPUSeconds() - start
        XCTAssertGreaterThan(result.mask.mask.setCount, 0)
        // Loose bound: CPU time still stretches when the cores are oversubscribed.
        XCTAssertLessThan(seconds, 4)
        print("segmentation of 4096 x 3072: \(String(format: "%.3f", seconds)) s CPU")
    }

    func testAreaLimitsFallBackToObjectivePowerThenToTheReference() throws {
        let (image, _) = syntheticHE(width: 256, height: 256, seed: 8) { x, y in x > 60 && x < 200 && y > 50 && y < 210 }
        let fromPower = InMemorySlide(image: image, downsamples: [1, 4], mpp: nil, objectivePower: 40)
        XCTAssertFalse(try TissueSegmenter().segment(fromPower).warnings.contains(.areasAtReferenceResolution(micronsPerPixel: 0.25)))
        let unknown = InMemorySlide(image: image, downsamples: [1, 4], mpp: nil, objectivePower: nil)
        XCTAssertTrue(try TissueSegmenter().segment(unknown).warnings.contains(.areasAtReferenceResolution(micronsPerPixel: 0.25)))
    }

    func testInvalidParametersAreRejected() {
        var even = TissueSegmentationParameters()
        even.medianKernel = 4
        XCTAssertThrowsError(try TissueSegmenter(parameters: even))
        var tiny = TissueSegmentationParameters()
        tiny.maxSide = 2
        XCTAssertThrowsError(try TissueSegmenter(parameters: tiny))
    }
}

private func threadCPUSeconds() -> Double {
    var time = timespec()
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &time)
    return Double(time.tv_sec) + Double(time.tv_nsec) * 1e-9
}
