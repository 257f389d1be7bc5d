import Foundation
import Heatmap
import MIL
import Store
import TrainStage
import XCTest

/// End-to-end training on `SyntheticSlides`: three tumour tiles shifted by 3 standard deviations
/// in 4 of 12 dimensions make a slide positive. Shuffled labels or broken attention give an AUC
/// near 0.5 and top tiles at chance (3 of 20-40 tiles), so the bounds below can fail.
final class SlideTrainPipelineTests: XCTestCase {
    static func smallSettings(folds: Int, pooling: PoolingKind = .attention) -> SlideTrainSettings {
        SlideTrainSettings(
            model: MILModelConfiguration(pooling: pooling, classifier: .mlp, attentionHidden: 16, classifierHidden: 32, dropout: 0),
            training: MILTrainingOptions(optimizer: .adam, learningRate: 2e-3, weightDecay: 1e-5, epochs: 25, batchSize: 4,
                                         validationFraction: 0.2, patience: 8, seed: 5),
            folds: folds, classBalance: .lossWeights, minimumEpochs: 0)
    }

    func testCrossValidatedTrainingSeparatesHeldOutSlidesAndAttendsToTumourTiles() throws {
        let folder = try SyntheticSlides.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        // Unbalanced on purpose: 24 normal, 12 tumour slides.
        let slides = try SyntheticSlides.make(in: folder, negatives: 24, positives: 12)
        let data = try SlideBagSet.load(labels: slides.table, featuresFolder: slides.folder, positiveClass: nil)
        XCTAssertEqual(data.mapping, SlideLabelMapping(positive: "tumor", negative: "normal"))
        let run = folder.appendingPathComponent("run")
        let summary = try SlideTrainPipeline(settings: Self.smallSettings(folds: 3), data: data, outputDirectory: run).run()

        XCTAssertEqual(summary.folds.count, 3)
        for fold in summary.folds {
            XCTAssertEqual(fold.evaluatedOn, "test")
            XCTAssertEqual(fold.evaluatedBags, 12)
            XCTAssertGreaterThan(fold.auc ?? 0, 0.95, "fold \(fold.fold) AUC on held-out slides")
            XCTAssertFalse(fold.epochs.isEmpty)
        }
        XCTAssertGreaterThan(summary.auc?.mean ?? 0, 0.95)

        // Attention: the top tile of each positive test slide should be a shifted one (chance ≈ 10 %).
        var hits = 0, positives = 0
        for fold in 1...3 {
            let (model, card) = try SlideModelFiles.load(from: run.appendingPathComponent("fold-\(fold)"))
            XCTAssertEqual(card.inputWidth, 12)
            let folds = try JSONDecoder().decode([SlideFold].self, from: Data(contentsOf: run.appendingPathComponent("folds.json")))
            for index in folds[fold - 1].test where data.bags.labels[index] {
                let output = model.predict(try BagBatch(bags: [try data.bags.bag(index)]))[0]
                let top = output.instanceWeights.indices.max { output.instanceWeights[$0] < output.instanceWeights[$1] }!
                positives += 1
                if slides.tumourRows[data.ids[index]]!.contains(top) { hits += 1 }
            }
        }
        XCTAssertEqual(positives, 12)
        XCTAssertGreaterThanOrEqual(hits, 10, "top-attention tile is a tumour tile in \(hits) of \(positives) slides")

        for name in ["settings.yaml", "folds.json", "summary.json", "summary.csv", "curves.png",
                     "fold-1/model.safetensors", "fold-1/model.json", "fold-1/metrics.json", "fold-3/predictions.csv"] {
            XCTAssertTrue(FileManager.default.fileExists(atPath: run.appendingPathComponent(name).path), name)
        }
        let csv = try CSVTable.read(from: run.appendingPathComponent("summary.csv"))
        XCTAssertEqual(csv.rows.map { $0[0] }, ["1", "2", "3", "mean", "std"])
        XCTAssertEqual(Double(csv.rows[3][1])!, summary.auc!.mean, accuracy: 1e-6)
        let plot = try PNGCodec.decode(contentsOf: run.appendingPathComponent("curves.png"))
        XCTAssertEqual(plot.width, 640)
        XCTAssertTrue(plot.pixels.contains { $0 != 255 && $0 != 0 }, "coloured curves are drawn")
    }

    func testTrainingIsSeeded() throws {
        let folder = try SyntheticSlides.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let slides = try SyntheticSlides.make(in: folder, negatives: 6, positives: 6)
        let data = try SlideBagSet.load(labels: slides.table, featuresFolder: slides.folder, positiveClass: nil)
        var settings = Self.smallSettings(folds: 1, pooling: .gatedAttention)
        settings.training.epochs = 3
        let first = try SlideTrainPipeline(settings: settings, data: data, outputDirectory: folder.appendingPathComponent("a")).run()
        let second = try SlideTrainPipeline(settings: settings, data: data, outputDirectory: folder.appendingPathComponent("b")).run()
        XCTAssertEqual(first, second)
        XCTAssertEqual(try Data(contentsOf: folder.appendingPathComponent("a/fold-1/model.safetensors")),
                       try Data(contentsOf: folder.appendingPathComponent("b/fold-1/model.safetensors")))
    }

    /// Past the memory budget bags are re-read from disk per use; training must not change.
    func testStreamingFromDiskTrainsTheSameModel() throws {
        let folder = try SyntheticSlides.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let slides = try SyntheticSlides.make(in: folder, negatives: 6, positives: 6)
        let inMemory = try SlideBagSet.load(labels: slides.table, featuresFolder: slides.folder, positiveClass: nil)
        let streamed = try SlideBagSet.load(labels: slides.table, featuresFolder: slides.folder, positiveClass: nil, memoryBudget: 0)
        XCTAssertTrue(inMemory.bags is LabelledBags<Bool>)
        XCTAssertTrue(streamed.bags is FeatureFileBags)
        XCTAssertEqual(streamed.featureWidth, 12)
        var settings = Self.smallSettings(folds: 2)
        settings.training.epochs = 3
        let a = try SlideTrainPipeline(settings: settings, data: inMemory, outputDirectory: folder.appendingPathComponent("a")).run()
        let b = try SlideTrainPipeline(settings: settings, data: streamed, outputDirectory: folder.appendingPathComponent("b")).run()
        XCTAssertEqual(a, b)
        XCTAssertEqual(try Data(contentsOf: folder.appendingPathComponent("a/fold-2/model.safetensors")),
                       try Data(contentsOf: folder.appendingPathComponent("b/fold-2/model.safetensors")))
        // A file that goes bad between the check and its use is still reported by slide.
        var values = [Float](repeating: 1, count: 2 * 12)
        values[13] = .nan
        try FileManager.default.removeItem(at: slides.featureURL("slide_003"))
        try SyntheticSlides.write(features: values, width: 12, to: slides.featureURL("slide_003"))
        XCTAssertThrowsError(try streamed.bags.bag(3)) { error in
            XCTAssertEqual(error as? SlideTrainError, .nonFinite(slide: "slide_003", row: 1))
        }
    }

    func testBadTrainingInputsNameTheSlide() throws {
        let folder = try SyntheticSlides.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let slides = try SyntheticSlides.make(in: folder, negatives: 2, positives: 2)
        func load(_ extra: SlideLabel) throws -> SlideBagSet {
            try SlideBagSet.load(labels: SlideLabelTable(entries: slides.table.entries + [extra]), featuresFolder: slides.folder, positiveClass: nil)
        }
        XCTAssertThrowsError(try load(SlideLabel(slideID: "ghost", label: "tumor"))) { error in
            XCTAssertEqual(error as? SlideTrainError, .missingFeatures(slide: "ghost", path: slides.featureURL("ghost").path))
        }
        try SyntheticSlides.write(features: [Float](repeating: 0.5, count: 5 * 7), width: 7, to: slides.featureURL("narrow"))
        XCTAssertThrowsError(try load(SlideLabel(slideID: "narrow", label: "normal"))) { error in
            XCTAssertEqual(error as? SlideTrainError, .widthMismatch(slide: "narrow", found: 7, expected: 12, reference: "slide 'slide_000'"))
        }
        try SyntheticSlides.write(features: [], width: 12, to: slides.featureURL("empty"))
        XCTAssertThrowsError(try load(SlideLabel(slideID: "empty", label: "normal"))) { error in
            XCTAssertEqual(error as? SlideTrainError, .emptyBag(slide: "empty"))
        }
        var values = [Float](repeating: 1, count: 4 * 12)
        values[2 * 12 + 5] = .nan
        try SyntheticSlides.write(features: values, width: 12, to: slides.featureURL("nan"))
        XCTAssertThrowsError(try load(SlideLabel(slideID: "nan", label: "tumor"))) { error in
            XCTAssertEqual(error as? SlideTrainError, .nonFinite(slide: "nan", row: 2))
            XCTAssertTrue("\(error)".contains("'nan'"))
        }
        XCTAssertThrowsError(try load(SlideLabel(slideID: "nan", label: "benign"))) { error in
            XCTAssertEqual(error as? SlideTrainError, .notBinary(classes: ["benign", "normal", "tumor"]))
        }
    }
}
