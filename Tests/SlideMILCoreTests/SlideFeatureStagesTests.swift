import Demo
import ExtractStage
import TileStage
import Foundation
import Pipeline
import Raster
import RunSupport
import Store
import SlideSynthesis
import Synth
import XCTest

/// Tiling and extraction as the pipeline runs them: a bad slide is reported, the others go on.
final class SlideFeatureStagesTests: XCTestCase {
    func testABrokenSlideIsReportedAndTheOthersGetFeatures() throws {
        let samples = URL(fileURLWithPath: #filePath)
            .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("slides-sample")
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("feature-stages-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: folder) }
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let broken = folder.appendingPathComponent("broken.svs")
        try Data("not a slide\n".utf8).write(to: broken)
        let slides = [SlideEntry(path: broken.path), SlideEntry(path: samples.appendingPathComponent("synthetic_1.tif").path)]

        var tile = TileSettings()
        tile.grid.tileSize = 128
        var extract = ExtractSettings()
        extract.backbone = .resnet18
        extract.baseWidth = 8
        extract.inputSize = 32
        let root = folder.appendingPathComponent("run").path
        let result = try SlideFeatureStages(tile: tile, extract: extract, showProgress: false).run(slides, root: root)

        XCTAssertEqual(result.failures.map(\.slideID), ["broken"])
        XCTAssertEqual(result.failures.first?.stage, "tiling")
        XCTAssertEqual(result.failures.first?.processList, RunLayout(root: root).path("process_list.csv"))
        XCTAssertTrue(result.failures.first?.reason.contains("broken.svs") ?? false)
        XCTAssertGreaterThan(result.tiles, 0)
        let features = try FeatureFile.read(from: RunLayout(root: root).featureFile("synthetic_1"))
        XCTAssertEqual(features.count, result.tiles)
        // Predicting from slides still refuses to go on with a failed slide.
        XCTAssertThrowsError(try result.checked()) { error in
            guard case let .stageFailed(stage, failures, _)? = error as? PipelineError else { return XCTFail("\(error)") }
            XCTAssertEqual(stage, "tiling")
            XCTAssertEqual(Array(failures.keys), ["broken"])
        }
    }
}

/// The whole pipeline with one slide that cannot be read: the others are trained on, predicted
/// and drawn, and the report lists the bad slide for a non-zero exit.
final class PipelineFailingSlideTests: XCTestCase {
    func testPipelineGoesOnPastABrokenSlideAndReportsIt() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("pipeline-bad-slide-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: folder) }
        let slides = folder.appendingPathComponent("slides")
        try SynthSlides.run(SynthRequest(output: slides.path, width: 2400, height: 1800, seed: 100, tumorCount: 3, jpegQuality: 90, batch: 8))
        try Data("not a slide\n".utf8).write(to: slides.appendingPathComponent("broken.svs"))
        let labels = slides.appendingPathComponent("labels.csv")
        try Data((try String(contentsOf: labels, encoding: .utf8) + "broken,normal\n").utf8).write(to: labels)

        let config = DemoConfig.smallest.pipeline
        let output = folder.appendingPathComponent("run")
        let report = try PipelineRun(config: config, slides: slides.path, labels: labels.path, output: output.path, showProgress: false).run()

        XCTAssertEqual(report.failures.map(\.slideID), ["broken"])
        XCTAssertEqual(report.failures.first?.stage, "tiling")
        XCTAssertFalse(report.trainingSlides.contains("broken"))
        XCTAssertFalse(report.heldOutSlides.contains("broken"))
        XCTAssertEqual(report.trainingSlides.count + report.heldOutSlides.count, 8, "every good slide went on")
        XCTAssertEqual(report.predictions.count, report.heldOutSlides.count)
        XCTAssertEqual(report.heatmaps.count, report.heldOutSlides.count)
    }

    /// A slide of bare glass tiles without failing but gives no tile: it is left out of training
    /// and prediction with a line naming it, instead of stopping the run at its empty bag.
    func testASlideWithoutTissueIsLeftOutAndTheRunGoesOn() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("pipeline-glass-slide-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: folder) }
        let slides = folder.appendingPathComponent("slides")
        try SynthSlides.run(SynthRequest(output: slides.path, width: 2400, height: 1800, seed: 100, tumorCount: 3, jpegQuality: 90, batch: 8))
        try PyramidalTIFFWriter(width: 2400, height: 1800, micronsPerPixel: .init(x: 0.25, y: 0.25))
            .write(to: slides.appendingPathComponent("glass.tif").path) { rect in
                RGBImage(width: rect.width, height: rect.height, fill: (242, 242, 240))
            }
        let labels = slides.appendingPathComponent("labels.csv")
        try Data((try String(contentsOf: labels, encoding: .utf8) + "glass,normal\n").utf8).write(to: labels)

        var lines: [String] = []
        let report = try PipelineRun(config: DemoConfig.smallest.pipeline, slides: slides.path, labels: labels.path,
                                     output: folder.appendingPathComponent("run").path, showProgress: false) { lines.append($0) }.run()

        XCTAssertFalse(report.trainingSlides.contains("glass"))
        XCTAssertFalse(report.heldOutSlides.contains("glass"))
        XCTAssertTrue(lines.contains { $0.contains("no tile with enough tissue") && $0.contains("glass") }, "\(lines)")
        XCTAssertEqual(report.trainingSlides.count + report.heldOutSlides.count, 8, "every slide with tissue went on")
        XCTAssertEqual(report.predictions.count, report.heldOutSlides.count)
    }
}
