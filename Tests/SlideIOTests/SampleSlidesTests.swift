import Foundation
import SlideIO
import SlideSynthesis
import XCTest

/// The committed sample slides open through OpenSlide and agree with their ground truth.
final class SampleSlidesTests: XCTestCase {
    /// `slides-sample/` at the package root, found from this file's location.
    private static let folder = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("slides-sample")

    private func labels() throws -> [(id: String, label: String)] {
        let csv = try String(contentsOf: Self.folder.appendingPathComponent("labels.csv"), encoding: .utf8)
        let lines = csv.split(separator: "\n").map(String.init)
        XCTAssertEqual(lines.first, "slide_id,label")
        return lines.dropFirst().map { line in
            let fields = line.split(separator: ",").map(String.init)
            return (fields[0], fields[1])
        }
    }

    func testLabelsListHalfTumorSlidesMatchingTheirTruth() throws {
        let entries = try labels()
        XCTAssertGreaterThanOrEqual(entries.count, 6)
        XCTAssertEqual(entries.filter { $0.label == "tumor" }.count * 2, entries.count)
        for entry in entries {
            let truth = try SyntheticSlideTruth.load(from: Self.folder.appendingPathComponent(entry.id + ".json").path)
            XCTAssertEqual(truth.label, entry.label)
            XCTAssertEqual(truth.slide, entry.id + ".tif")
            XCTAssertEqual(truth.tumorBoxes.isEmpty, entry.label == "normal")
        }
    }

    func testEverySampleOpensWithItsGeometryAndResolution() throws {
        for entry in try labels() {
            let path = Self.folder.appendingPathComponent(entry.id + ".tif").path
            let truth = try SyntheticSlideTruth.load(from: SyntheticSlideTruth.path(forSlide: path))
            let slide = try OpenSlideSlide(path: path)
            XCTAssertEqual(slide.vendor, "generic-tiff")
            XCTAssertTrue(slide.dimensions == (truth.width, truth.height))
            XCTAssertEqual(slide.levels.count, 5, "\(truth.width) px halved down to one 256 px tile")
            for (index, level) in slide.levels.enumerated() {
                XCTAssertEqual(level.downsample, pow(2, Double(index)), accuracy: 0.02 * pow(2, Double(index)))
            }
            XCTAssertEqual(slide.resolutionSource, .tiffResolutionTags)
            XCTAssertEqual(try XCTUnwrap(slide.micronsPerPixel).x, truth.micronsPerPixel, accuracy: 1e-5)
            XCTAssertEqual(slide.properties["openslide.vendor"], "generic-tiff")
            XCTAssertEqual(slide.associatedImageNames, [])
        }
    }

    func testRegionReadsMatchTheGeneratorWithinJPEGError() throws {
        let path = Self.folder.appendingPathComponent("synthetic_0.tif").path
        let truth = try SyntheticSlideTruth.load(from: SyntheticSlideTruth.path(forSlide: path))
        let synthetic = try SyntheticSlide(truth.configuration)
        let slide = try OpenSlideSlide(path: path)
        let box = try XCTUnwrap(truth.tumorBoxes.first)
        let piece = try XCTUnwrap(truth.tissueBoxes.first)
        let places = [(10, 10), (box.x + box.width / 2 - 32, box.y + box.height / 2 - 32),
                      (piece.x + piece.width / 2 - 32, piece.y + 40), (truth.width - 80, truth.height - 80)]
        for (x, y) in places {
            // Compare 16 x 16 block means: JPEG at quality 80 keeps those within a few levels.
            for by in stride(from: 0, to: 64, by: 16) {
                for bx in stride(from: 0, to: 64, by: 16) {
                    let got = TestSlides.mean(try slide.readRegion(level: 0, x: x + bx, y: y + by, width: 16, height: 16))
                    let want = TestSlides.mean(synthetic.region(x: x + bx, y: y + by, width: 16, height: 16))
                    XCTAssertEqual(got.0, want.0, accuracy: 6, "red at (\(x + bx), \(y + by))")
                    XCTAssertEqual(got.1, want.1, accuracy: 6, "green at (\(x + bx), \(y + by))")
                    XCTAssertEqual(got.2, want.2, accuracy: 6, "blue at (\(x + bx), \(y + by))")
                }
            }
        }
    }

    func testThumbnailTissueAgreesWithTheTruth() throws {
        let path = Self.folder.appendingPathComponent("synthetic_1.tif").path
        let truth = try SyntheticSlideTruth.load(from: SyntheticSlideTruth.path(forSlide: path))
        let synthetic = try SyntheticSlide(truth.configuration)
        let slide = try OpenSlideSlide(path: path)
        let thumbnail = try slide.thumbnail(maximumSide: 400)
        XCTAssertEqual(thumbnail.width, 400)
        XCTAssertEqual(thumbnail.height, 300)
        var agree = 0, total = 0
        for ty in stride(from: 0, to: 300, by: 3) {
            for tx in stride(from: 0, to: 400, by: 3) {
                let isTissue = synthetic.isTissue(x: tx * 10 + 5, y: ty * 10 + 5)
                total += 1
                if (thumbnail[tx, ty].green < 225) == isTissue { agree += 1 }
            }
        }
        // Only boundary pixels (partly tissue, partly glass) may disagree.
        XCTAssertGreaterThan(Double(agree) / Double(total), 0.98)
    }
}
