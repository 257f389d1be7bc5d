import Demo
import Foundation
import Heatmap
import HeatmapStage
import Store
import XCTest

/// The demo end to end on its smallest setting: every output exists and makes sense.
final class DemoRunTests: XCTestCase {
    private var folder: URL!

    override func setUpWithError() throws {
        folder = FileManager.default.temporaryDirectory.appendingPathComponent("demo-\(UUID().uuidString)")
    }

    override func tearDownWithError() throws {
        try? FileManager.default.removeItem(at: folder)
    }

    func testSmallestDemoWritesEveryOutputAndReusesItsSlides() throws {
        let config = DemoConfig.smallest
        let report = try DemoRun(config: config, output: folder.path, showProgress: false).run()
        let layout = report.pipeline.layout
        XCTAssertFalse(report.slidesReused)

        // Slides: the labels file lists every slide, half with tumour.
        let labels = try SlideLabelTable.read(from: folder.appendingPathComponent("slides/labels.csv"))
        XCTAssertEqual(labels.entries.count, config.slides.count)
        XCTAssertEqual(labels.entries.filter { $0.label == "tumor" }.count, config.slides.count / 2)

        // Split: disjoint, together every slide, one of each class held out.
        let training = try SlideLabelTable.read(from: URL(fileURLWithPath: layout.trainingLabels)).entries
        let heldOut = try SlideLabelTable.read(from: URL(fileURLWithPath: layout.heldOutLabels)).entries
        XCTAssertEqual(Set(training.map(\.slideID) + heldOut.map(\.slideID)), Set(labels.entries.map(\.slideID)))
        XCTAssertEqual(training.count + heldOut.count, labels.entries.count)
        XCTAssertEqual(Set(heldOut.map(\.label)), ["tumor", "normal"])

        // Tiles and features: one patch and one feature file per slide, the same row counts.
        var tiles = 0
        for entry in labels.entries {
            let patches = try PatchFile.read(from: URL(fileURLWithPath: layout.patches).appendingPathComponent(entry.slideID + ".h5"))
            let features = try FeatureFile.read(from: URL(fileURLWithPath: layout.features).appendingPathComponent(entry.slideID + ".h5"))
            XCTAssertGreaterThan(patches.coordinates.count, 0, entry.slideID)
            XCTAssertEqual(features.count, patches.coordinates.count, entry.slideID)
            XCTAssertEqual(features.dimension, report.pipeline.featureWidth)
            tiles += patches.coordinates.count
        }
        XCTAssertEqual(report.pipeline.tiles, tiles)

        // Cross-validation summary: one row per fold plus mean and std, AUCs in 0...1.
        let summary = try CSVTable.read(from: URL(fileURLWithPath: layout.model).appendingPathComponent("summary.csv"))
        XCTAssertEqual(summary.rows.count, config.train.folds + 2)
        let aucColumn = try XCTUnwrap(summary.column("auc"))
        for row in summary.rows.prefix(config.train.folds) where !row[aucColumn].isEmpty {
            let auc = try XCTUnwrap(Double(row[aucColumn]))
            XCTAssertTrue((0...1).contains(auc), "fold AUC \(auc)")
        }

        // Held-out predictions: the held-out slides, probabilities in 0...1, AUC a number in 0...1.
        let predictions = try CSVTable.read(from: URL(fileURLWithPath: layout.predictions).appendingPathComponent("predictions.csv"))
        let idColumn = try XCTUnwrap(predictions.column("slide_id")), probabilityColumn = try XCTUnwrap(predictions.column("probability"))
        XCTAssertEqual(predictions.rows.map { $0[idColumn] }, heldOut.map(\.slideID))
        for row in predictions.rows {
            let probability = try XCTUnwrap(Double(row[probabilityColumn]))
            XCTAssertTrue((0...1).contains(probability))
        }
        let auc = try XCTUnwrap(report.pipeline.heldOutAUC)
        XCTAssertTrue((0...1).contains(auc))
        XCTAssertEqual(report.pipeline.predictions.map(\.slideID), heldOut.map(\.slideID))

        // Heatmaps: one per held-out slide, the slide's aspect at the configured width plus the
        // legend; top tiles at the patch size.
        XCTAssertEqual(report.pipeline.heatmaps.count, heldOut.count)
        guard case let .maximumSide(width) = config.heatmap.canvas else { return XCTFail("the demo draws at a maximum side") }
        let height = width * config.slides.height / config.slides.width
        for (url, entry) in zip(report.pipeline.heatmaps, heldOut) {
            let image = try PNGCodec.decode(contentsOf: url)
            XCTAssertEqual(image.width, width)
            XCTAssertEqual(image.height, height + ColorBarLegend.stripHeight(forWidth: width))
            let topFolder = URL(fileURLWithPath: layout.heatmaps).appendingPathComponent("top_tiles").appendingPathComponent(entry.slideID)
            let names = try FileManager.default.contentsOfDirectory(atPath: topFolder.path).sorted()
            XCTAssertEqual(names.count, config.heatmap.topK)
            let patchSize = try PatchFile.read(from: URL(fileURLWithPath: layout.patches).appendingPathComponent(entry.slideID + ".h5")).metadata.patchSize
            let tile = try PNGCodec.decode(contentsOf: topFolder.appendingPathComponent(names[0]))
            XCTAssertEqual([tile.width, tile.height], [patchSize, patchSize])
        }
        // The heatmaps went through the slide-batch runner: one processed row per slide.
        let heatmapList = try ProcessList.load(from: URL(fileURLWithPath: layout.heatmaps).appendingPathComponent("process_list_heatmap.csv"))
        XCTAssertEqual(heatmapList.records.map(\.slideID), heldOut.map(\.slideID))
        XCTAssertTrue(heatmapList.records.allSatisfy { $0.status == .processed && $0.tiles ?? 0 > 0 })

        // MNIST bags: metrics and a figure; accuracy a share.
        XCTAssertTrue((0...1).contains(report.mnist.testAccuracy))
        XCTAssertEqual(report.mnist.testBags, config.mnist.bags.testBags)
        XCTAssertTrue(FileManager.default.fileExists(atPath: folder.appendingPathComponent("mnist/metrics.json").path))
        XCTAssertNoThrow(try PNGCodec.decode(contentsOf: folder.appendingPathComponent("mnist/attention.png")))

        // The plain commands, in the order the demo ran them, also in commands.sh.
        let stages = report.commands.map { $0.arguments[0] }
        XCTAssertEqual(stages, ["synth", "tile", "extract", "train", "predict"] + Array(repeating: "heatmap", count: heldOut.count) + ["mnist"])
        let script = try String(contentsOf: URL(fileURLWithPath: layout.commands), encoding: .utf8)
        XCTAssertEqual(script, report.commands.map(\.description).joined(separator: "\n") + "\n")
        XCTAssertTrue(report.table.contains("held-out slides"))
        XCTAssertTrue(report.table.contains(layout.heatmaps))

        // A second run reuses the slides and the finished tiles and features.
        let again = try DemoRun(config: config, output: folder.path, showProgress: false).run()
        XCTAssertTrue(again.slidesReused)
        XCTAssertEqual(again.pipeline.tiles, tiles)
        let processList = try CSVTable.read(from: folder.appendingPathComponent("process_list.csv"))
        XCTAssertEqual(processList.rows.count, config.slides.count)
        XCTAssertEqual(again.pipeline.heldOutSlides, report.pipeline.heldOutSlides)

        // Other slides under the same names: the earlier tiles and features must not be reused.
        let stale = folder.appendingPathComponent("features/stale.h5")
        try Data("x".utf8).write(to: stale)
        var reseeded = config
        reseeded.slides.seed += 7
        let fresh = try DemoRun(config: reseeded, output: folder.path, showProgress: false).run()
        XCTAssertFalse(fresh.slidesReused)
        XCTAssertFalse(FileManager.default.fileExists(atPath: stale.path))
        XCTAssertEqual(try PatchFile.read(from: folder.appendingPathComponent("patches/synthetic_0.h5")).coordinates.count,
                       try FeatureFile.read(from: folder.appendingPathComponent("features/synthetic_0.h5")).count)
    }

    func testChangedSlideSettingsWriteTheSlidesAfresh() throws {
        var config = DemoConfig.smallest
        config.slides.count = 4
        config.slides.width = 1200
        config.slides.height = 900
        let slides = folder.appendingPathComponent("slides").path
        XCTAssertFalse(try DemoSlides.prepare(config.slides, folder: slides))
        XCTAssertTrue(DemoSlides.isPresent(config.slides, folder: slides))
        XCTAssertTrue(try DemoSlides.prepare(config.slides, folder: slides))
        config.slides.seed += 1
        XCTAssertFalse(DemoSlides.isPresent(config.slides, folder: slides))
        XCTAssertFalse(try DemoSlides.prepare(config.slides, folder: slides))
        let truth = try JSONSerialization.jsonObject(with: Data(contentsOf: folder.appendingPathComponent("slides/synthetic_0.json"))) as? [String: Any]
        XCTAssertEqual(truth?["seed"] as? Int, Int(config.slides.seed))
        XCTAssertThrowsError(try DemoSlides.prepare({ var small = config.slides; small.count = 2; return small }(), folder: slides))
    }
}
