import Foundation
import SlideIO
import SlideSynthesis
import Synth
import XCTest

/// `slidemil synth`'s logic: single slides and batches with labels, readable by OpenSlide.
final class SynthSlidesTests: XCTestCase {
    private var folder: URL!

    override func setUpWithError() throws {
        folder = FileManager.default.temporaryDirectory.appendingPathComponent("synth-test-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
    }

    override func tearDown() { try? FileManager.default.removeItem(at: folder) }

    func testBatchWritesSlidesTruthAndAlternatingLabels() throws {
        let output = folder.appendingPathComponent("batch").path
        let request = SynthRequest(output: output, width: 700, height: 500, micronsPerPixel: 0.5, seed: 10,
                                   tumorCount: 2, jpegQuality: 85, batch: 3)
        let slides = try SynthSlides.run(request)
        XCTAssertEqual(slides.map(\.slideID), ["synthetic_0", "synthetic_1", "synthetic_2"])
        XCTAssertEqual(slides.map(\.label), ["tumor", "normal", "tumor"])
        let csv = try String(contentsOfFile: output + "/labels.csv", encoding: .utf8)
        XCTAssertEqual(csv, "slide_id,label\nsynthetic_0,tumor\nsynthetic_1,normal\nsynthetic_2,tumor\n")
        let files = try FileManager.default.contentsOfDirectory(atPath: output).sorted()
        XCTAssertEqual(files, ["labels.csv", "synthetic_0.json", "synthetic_0.tif", "synthetic_1.json", "synthetic_1.tif",
                               "synthetic_2.json", "synthetic_2.tif"])
        for (index, written) in slides.enumerated() {
            let truth = try SyntheticSlideTruth.load(from: written.truthPath)
            XCTAssertEqual(truth.seed, 10 + UInt64(index))
            XCTAssertEqual(truth.tumorBoxes.count, index % 2 == 0 ? 2 : 0)
            let slide = try OpenSlideSlide(path: written.slidePath)
            XCTAssertTrue(slide.dimensions == (700, 500))
            XCTAssertEqual(try XCTUnwrap(slide.micronsPerPixel).y, 0.5, accuracy: 1e-5)
            XCTAssertTrue(try XCTUnwrap(slide.properties["tiff.ImageDescription"]).contains("seed \(10 + index)"))
        }
    }

    func testSingleSlideIsReproducible() throws {
        let first = folder.appendingPathComponent("a.tif").path, second = folder.appendingPathComponent("b.tif").path
        try SynthSlides.run(SynthRequest(output: first, width: 600, height: 400, seed: 5))
        try SynthSlides.run(SynthRequest(output: second, width: 600, height: 400, seed: 5))
        let a = try OpenSlideSlide(path: first), b = try OpenSlideSlide(path: second)
        XCTAssertEqual(try a.readRegion(level: 0, x: 0, y: 0, width: 600, height: 400),
                       try b.readRegion(level: 0, x: 0, y: 0, width: 600, height: 400))
        XCTAssertEqual(try SyntheticSlideTruth.load(from: folder.appendingPathComponent("a.json").path).label, "tumor")
    }

    func testASingleSlideGoesIntoAFolderThatDoesNotExistYet() throws {
        let path = folder.appendingPathComponent("new/deeper/x.tif").path
        try SynthSlides.run(SynthRequest(output: path, width: 600, height: 400, seed: 3))
        XCTAssertEqual(try OpenSlideSlide(path: path).levels.first?.width, 600)
    }

    func testBadRequestsAreRejected() {
        XCTAssertThrowsError(try SynthSlides.run(SynthRequest(output: folder.appendingPathComponent("x").path, batch: 0)))
        XCTAssertThrowsError(try SynthSlides.run(SynthRequest(output: folder.appendingPathComponent("x.tif").path, width: 10)))
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: folder.path), [])
    }
}
