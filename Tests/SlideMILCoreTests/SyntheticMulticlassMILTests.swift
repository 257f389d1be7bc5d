import Foundation
import Pipeline
import SlideIO
import SlideSynthesis
import Store
import Synth
import XCTest

/// Multi-class slide MIL where the answer is known: `synth --classes 3` slides (two tumour kinds
/// told apart by colour, and normal) through tiling, a random-initialised ResNet-18, multi-class
/// cross-validation and prediction of held-out slides, whose macro one-vs-rest AUC must be high.
final class SyntheticMulticlassMILTests: XCTestCase {
    func testTumourKindsRecolourOnlyTumourPixels() throws {
        let slide = try SyntheticSlide(SyntheticSlide.Configuration(width: 1200, height: 900, seed: 4, tumorCount: 2))
        let box = try XCTUnwrap(slide.tumorBoxes.first)
        let (x, y, width, height) = (box.x - 40, box.y - 40, box.width + 80, box.height + 80)
        let plain = slide.region(x: x, y: y, width: width, height: height)
        XCTAssertEqual(slide.region(x: x, y: y, width: width, height: height, tumorKind: SyntheticTumorKind(index: 0, of: 2)), plain,
                       "kind 0 is the binary slides' tumour")
        let second = slide.region(x: x, y: y, width: width, height: height, tumorKind: SyntheticTumorKind(index: 1, of: 2))
        var changedInside = 0, inside = 0
        for row in 0..<height {
            for column in 0..<width {
                let offset = (row * width + column) * 3
                let differs = plain.pixels[offset..<(offset + 3)] != second.pixels[offset..<(offset + 3)]
                if slide.isTumor(x: x + column, y: y + row) {
                    inside += 1
                    if differs { changedInside += 1 }
                } else {
                    XCTAssertFalse(differs, "pixel (\(x + column), \(y + row)) outside tumours was recoloured")
                }
            }
        }
        XCTAssertGreaterThan(Double(changedInside), 0.9 * Double(inside), "tumour pixels take the kind's colour")
        let grey = SyntheticTumorKind(index: 1, of: 2).recolour(red: 120, green: 120, blue: 120)
        XCTAssertTrue(grey == (120, 120, 120), "a hue rotation leaves greys alone")
    }

    func testBatchLabelsCycleThroughClasses() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("synth-classes-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: folder) }
        let slides = try SynthSlides.run(SynthRequest(output: folder.path, width: 400, height: 300, seed: 2, batch: 4, classes: 3))
        XCTAssertEqual(slides.map(\.label), ["tumor_1", "tumor_2", "normal", "tumor_1"])
        XCTAssertThrowsError(try SynthSlides.run(SynthRequest(output: folder.path, width: 400, height: 300, batch: 2, classes: 11)))
    }

    func testHeldOutThreeClassSlidesReachMacroAUC() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("synthetic-multiclass-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: folder) }
        let slides = folder.appendingPathComponent("slides")
        try SynthSlides.run(SynthRequest(output: slides.path, width: 2400, height: 1600, seed: 41, tumorCount: 1, jpegQuality: 80,
                                         batch: 36, classes: 3))
        var config = try PipelineConfig.load(file: URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("configs/synthetic-multiclass.yaml"))
        config.heatmap.slides = 1
        config.heatmap.canvas = .maximumSide(256)
        let report = try PipelineRun(config: config, slides: slides.path, labels: slides.appendingPathComponent("labels.csv").path,
                                     output: folder.appendingPathComponent("run").path, showProgress: false).run()
        XCTAssertEqual(report.heldOutSlides.count, 9)
        XCTAssertTrue(Set(report.heldOutSlides).isDisjoint(with: report.trainingSlides))
        let cv = try XCTUnwrap(report.multiclassCrossValidation)
        XCTAssertEqual(cv.classes, ["normal", "tumor_1", "tumor_2"])
        let auc = try XCTUnwrap(report.heldOutAUC)
        print(String(format: "synthetic 3-class slides: held-out macro AUC %.3f, accuracy %.3f; cross-validation macro AUC %.3f",
                     auc, report.heldOutAccuracy ?? .nan, cv.macroAUC?.mean ?? .nan))
        XCTAssertGreaterThanOrEqual(auc, 0.9, "macro one-vs-rest AUC on held-out 3-class synthetic slides (chance 0.5)")
        XCTAssertEqual(report.heatmaps.count, 1)
        let header = try CSVTable.read(from: URL(fileURLWithPath: report.layout.predictions).appendingPathComponent("predictions.csv")).header
        XCTAssertEqual(header, ["slide_id", "p_normal", "p_tumor_1", "p_tumor_2", "predicted_label", "tiles"])
    }
}
