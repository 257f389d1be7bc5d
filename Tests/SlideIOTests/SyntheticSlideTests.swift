import Foundation
import SlideIO
import SlideSynthesis
import XCTest

/// The synthetic slide generator: determinism, tile independence and agreement with its truth.
final class SyntheticSlideTests: XCTestCase {
    private let configuration = SyntheticSlide.Configuration(width: 3000, height: 2000, micronsPerPixel: 0.25, seed: 42, tumorCount: 2)

    func testSameSeedSamePixelsAndOtherSeedOtherLayout() throws {
        let a = try SyntheticSlide(configuration), b = try SyntheticSlide(configuration)
        XCTAssertEqual(a.region(x: 700, y: 800, width: 64, height: 64), b.region(x: 700, y: 800, width: 64, height: 64))
        var other = configuration
        other.seed = 43
        XCTAssertNotEqual(try SyntheticSlide(other).tissueRegions, a.tissueRegions)
    }

    func testRegionsAreTileIndependentAndMatchSinglePixels() throws {
        let slide = try SyntheticSlide(configuration)
        let big = slide.region(x: 600, y: 700, width: 300, height: 200)
        let small = slide.region(x: 700, y: 750, width: 50, height: 40)
        for y in 0..<40 {
            for x in 0..<50 {
                XCTAssertTrue(small[x, y] == big[x + 100, y + 50])
            }
        }
        for (x, y) in [(0, 0), (650, 720), (899, 899), (2999, 1999)] {
            let region = slide.region(x: x, y: y, width: 1, height: 1)
            XCTAssertTrue(region[0, 0] == slide.pixel(x: x, y: y), "(\(x), \(y))")
        }
        // Outside the slide is background.
        XCTAssertTrue(slide.region(x: -5, y: -5, width: 2, height: 2)[0, 0] == SyntheticSlide.background)
    }

    func testTumorIsInsideTissueAndInsideTightBoxes() throws {
        let slide = try SyntheticSlide(configuration)
        XCTAssertEqual(slide.label, "tumor")
        XCTAssertEqual(slide.tumorBoxes.count, 2)
        var tumorPixels = 0, tissuePixels = 0
        for y in stride(from: 0, to: 2000, by: 7) {
            for x in stride(from: 0, to: 3000, by: 7) {
                let tissue = slide.isTissue(x: x, y: y), tumor = slide.isTumor(x: x, y: y)
                if tissue { tissuePixels += 1 }
                if tumor {
                    tumorPixels += 1
                    XCTAssertTrue(tissue, "tumour outside tissue at (\(x), \(y))")
                    XCTAssertTrue(slide.tumorBoxes.contains { $0.contains(x: x, y: y) }, "tumour outside its box at (\(x), \(y))")
                }
                if !tissue {
                    XCTAssertTrue(slide.pixel(x: x, y: y) == SyntheticSlide.background)
                }
            }
        }
        let samples = Double((2000 / 7 + 1) * (3000 / 7 + 1))
        XCTAssertGreaterThan(Double(tissuePixels) / samples, 0.3)
        XCTAssertLessThan(Double(tissuePixels) / samples, 0.8)
        XCTAssertGreaterThan(tumorPixels, 0)
        // Boxes are tight: each has tumour pixels within 2 px of its left and top edges.
        for box in slide.tumorBoxes {
            let column = (box.y..<box.y + box.height).contains { slide.isTumor(x: box.x + 2, y: $0) }
            let row = (box.x..<box.x + box.width).contains { slide.isTumor(x: $0, y: box.y + 2) }
            XCTAssertTrue(column && row, "\(box)")
        }
    }

    func testSlideEdgesAreBackgroundAndTumorIsDarker() throws {
        let slide = try SyntheticSlide(configuration)
        for x in stride(from: 0, to: 3000, by: 13) {
            XCTAssertFalse(slide.isTissue(x: x, y: 0) || slide.isTissue(x: x, y: 1999))
        }
        for y in stride(from: 0, to: 2000, by: 13) {
            XCTAssertFalse(slide.isTissue(x: 0, y: y) || slide.isTissue(x: 2999, y: y))
        }
        let tumor = try XCTUnwrap(slide.tumorRegions.first)
        let tumorMean = TestSlides.mean(slide.region(x: Int(tumor.centerX) - 40, y: Int(tumor.centerY) - 40, width: 80, height: 80))
        // Normal tissue: halfway between the tumour and the piece boundary, away from the tumour.
        let piece = try XCTUnwrap(slide.tissueRegions.first { $0.contains(x: tumor.centerX, y: tumor.centerY) })
        let normalCentre = (x: Int(2 * piece.centerX - tumor.centerX), y: Int(piece.centerY + 0.6 * piece.semiAxisY))
        let normalMean = TestSlides.mean(slide.region(x: normalCentre.x - 40, y: normalCentre.y - 40, width: 80, height: 80))
        XCTAssertTrue(slide.isTissue(x: normalCentre.x, y: normalCentre.y) && !slide.isTumor(x: normalCentre.x, y: normalCentre.y))
        XCTAssertLessThan(tumorMean.1 + 15, normalMean.1, "tumour is darker (green channel)")
    }

    func testTruthRoundTripsAndRegeneratesTheSlide() throws {
        let slide = try SyntheticSlide(configuration)
        let truth = SyntheticSlideTruth(slide: slide, slideName: "s.tif")
        let folder = try TestFolder()
        defer { folder.remove() }
        let path = folder.path("s.json")
        try truth.jsonData().write(to: URL(fileURLWithPath: path))
        let loaded = try SyntheticSlideTruth.load(from: path)
        XCTAssertEqual(loaded, truth)
        XCTAssertEqual(loaded.configuration, configuration)
        XCTAssertEqual(try SyntheticSlide(loaded.configuration).tumorRegions, slide.tumorRegions)
        let json = try XCTUnwrap(String(data: truth.jsonData(), encoding: .utf8))
        XCTAssertTrue(json.contains("\"tumor_boxes\""), "snake_case keys")
        XCTAssertEqual(SyntheticSlideTruth.path(forSlide: "slides/a.tif"), "slides/a.json")
        XCTAssertThrowsError(try SyntheticSlideTruth.load(from: folder.path("missing.json")))
    }

    func testNormalSlideAndInvalidConfigurations() throws {
        var normal = configuration
        normal.tumorCount = 0
        let slide = try SyntheticSlide(normal)
        XCTAssertEqual(slide.label, "normal")
        XCTAssertEqual(slide.tumorBoxes, [])
        for bad in [SyntheticSlide.Configuration(width: 100, height: 1000),
                    SyntheticSlide.Configuration(width: 1000, height: 1000, micronsPerPixel: 0),
                    SyntheticSlide.Configuration(width: 1000, height: 1000, tumorCount: -1)] {
            XCTAssertThrowsError(try SyntheticSlide(bad)) { error in
                guard case .invalidConfiguration = error as? SlideError else { return XCTFail("\(error)") }
            }
        }
    }
}
