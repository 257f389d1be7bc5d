import Foundation
import MIL
import PredictStage
import Store
import TrainStage
import XCTest

final class SlidePredictPipelineTests: XCTestCase {
    /// Trains a hold-out model once on 16 slides; returns the run and the slides.
    private func trainedRun(in folder: URL) throws -> (run: URL, slides: SyntheticSlides) {
        let slides = try SyntheticSlides.make(in: folder, negatives: 8, positives: 8, seed: 21)
        let data = try SlideBagSet.load(labels: slides.table, featuresFolder: slides.folder, positiveClass: nil)
        var settings = SlideTrainPipelineTests.smallSettings(folds: 1)
        settings.training.epochs = 10
        settings.training.validationFraction = 0.25
        let run = folder.appendingPathComponent("run")
        _ = try SlideTrainPipeline(settings: settings, data: data, outputDirectory: run).run()
        return (run, slides)
    }

    func testPredictReproducesTrainingEvaluationAndWritesAlignedAttention() throws {
        let folder = try SyntheticSlides.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let (run, slides) = try trainedRun(in: folder)
        let (model, card) = try SlideModelFiles.load(from: SlideModelFiles.resolve(run, fold: 1))
        let ids = try SlidePredictPipeline.slideIDs(in: slides.folder)
        XCTAssertEqual(ids, slides.ids)
        let predictions = try SlidePredictPipeline(model: model, card: card).predict(slideIDs: ids, featuresFolder: slides.folder)

        // The validation probabilities written at training time must be reproduced by predict.
        let written = try CSVTable.read(from: run.appendingPathComponent("fold-1/predictions.csv"))
        XCTAssertEqual(written.rows.count, 4)
        for row in written.rows {
            let prediction = try XCTUnwrap(predictions.first { $0.slideID == row[0] })
            XCTAssertEqual(prediction.probability, Float(row[2])!, accuracy: 1e-5, row[0])
            XCTAssertEqual(prediction.predictedLabel, row[3])
        }

        let output = folder.appendingPathComponent("out")
        try SlidePredictPipeline.write(predictions, to: output)
        let table = try CSVTable.read(from: output.appendingPathComponent("predictions.csv"))
        XCTAssertEqual(table.header, ["slide_id", "probability", "predicted_label", "tiles"])
        XCTAssertEqual(table.rows.map { Int($0[3])! }, slides.ids.map { slides.tileCounts[$0]! })
        for prediction in predictions {
            let file = try HDF5File.open(output.appendingPathComponent("attention/\(prediction.slideID).h5"))
            defer { file.close() }
            let coords = try file.dataset("coords")
            XCTAssertEqual(try coords.shape(), [prediction.tileCount, 2])
            let flat = try coords.read(as: Int64.self)
            XCTAssertEqual(flat[2], 256, "row 1 keeps the feature file's corner (256, 512)")
            XCTAssertEqual(flat[3], 512)
            let attention = try file.dataset("attention").read(as: Float.self)
            XCTAssertEqual(attention.count, prediction.tileCount)
            XCTAssertEqual(attention.reduce(0, +), 1, accuracy: 1e-4)
            XCTAssertEqual(attention, prediction.attention)
            XCTAssertEqual(file.attributes["probability"]?.realValue ?? -1, Double(prediction.probability), accuracy: 1e-7,
                           "the slide's probability travels with its attention, for the heatmap legend")
        }
    }

    /// `--fold n|best|all` on a 3-fold run: one model, the best-AUC fold's, or the mean of all three.
    func testFoldSelectionAndEnsembleAveraging() throws {
        let folder = try SyntheticSlides.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let slides = try SyntheticSlides.make(in: folder, negatives: 6, positives: 6, seed: 4)
        let data = try SlideBagSet.load(labels: slides.table, featuresFolder: slides.folder, positiveClass: nil)
        var settings = SlideTrainPipelineTests.smallSettings(folds: 3)
        settings.training.epochs = 4
        let run = folder.appendingPathComponent("run")
        let summary = try SlideTrainPipeline(settings: settings, data: data, outputDirectory: run).run()

        XCTAssertEqual(SlideModelSelection(argument: "2"), .fold(2))
        XCTAssertEqual(SlideModelSelection(argument: "BEST"), .best)
        XCTAssertEqual(SlideModelSelection(argument: "all"), .all)
        XCTAssertNil(SlideModelSelection(argument: "0"))
        XCTAssertNil(SlideModelSelection(argument: "first"))

        let perFold = try (1...3).map { fold in
            try SlidePredictPipeline(models: SlideModelSelection.fold(fold).load(from: run)).predict(slideIDs: slides.ids, featuresFolder: slides.folder)
        }
        let ensemble = try SlidePredictPipeline(models: SlideModelSelection.all.load(from: run)).predict(slideIDs: slides.ids, featuresFolder: slides.folder)
        XCTAssertEqual(try SlideModelSelection.all.load(from: run).map(\.card.fold), [1, 2, 3])
        for (index, prediction) in ensemble.enumerated() {
            let mean = perFold.map { $0[index].probability }.reduce(0, +) / 3
            XCTAssertEqual(prediction.probability, mean, accuracy: 1e-6)
            XCTAssertEqual(prediction.predictedLabel, mean >= 0.5 ? "tumor" : "normal")
            for tile in prediction.attention.indices {
                XCTAssertEqual(prediction.attention[tile], perFold.map { $0[index].attention[tile] }.reduce(0, +) / 3, accuracy: 1e-6)
            }
            XCTAssertEqual(prediction.attention.reduce(0, +), 1, accuracy: 1e-4)
        }
        XCTAssertNotEqual(perFold[0].map(\.probability), perFold[1].map(\.probability), "folds are different models")

        let best = SlideModelSelection.bestFold(summary)
        XCTAssertEqual(summary.folds.first { $0.fold == best }?.auc, summary.folds.compactMap(\.auc).max())
        XCTAssertEqual(try SlideModelSelection.best.load(from: run).map(\.card.fold), [best])
        XCTAssertThrowsError(try SlideModelSelection.fold(4).load(from: run)) { error in
            XCTAssertTrue("\(error)".contains("no fold-4"), "\(error)")
        }
        XCTAssertThrowsError(try SlideModelSelection.all.load(from: folder)) { error in
            XCTAssertTrue("\(error)".contains("neither model.json nor fold-<n>"), "\(error)")
        }
        let single = try SlideModelSelection.best.load(from: run.appendingPathComponent("fold-2"))
        XCTAssertEqual(single.map(\.card.fold), [2], "a model folder is used as it is")
    }

    func testWrongWidthEmptyOrNaNSlideStopsPredictionBeforeWriting() throws {
        let folder = try SyntheticSlides.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let (run, slides) = try trainedRun(in: folder)
        let (model, card) = try SlideModelFiles.load(from: SlideModelFiles.resolve(run, fold: 1))
        let pipeline = SlidePredictPipeline(model: model, card: card)
        try SyntheticSlides.write(features: [Float](repeating: 0, count: 3 * 5), width: 5, to: slides.featureURL("zz_narrow"))
        XCTAssertThrowsError(try pipeline.predict(slideIDs: try SlidePredictPipeline.slideIDs(in: slides.folder), featuresFolder: slides.folder)) { error in
            XCTAssertEqual(error as? SlideTrainError, .widthMismatch(slide: "zz_narrow", found: 5, expected: 12, reference: "the model"))
        }
        try SyntheticSlides.write(features: [], width: 12, to: slides.featureURL("zz_empty"))
        XCTAssertThrowsError(try pipeline.predict(slideIDs: ["slide_000", "zz_empty"], featuresFolder: slides.folder)) { error in
            XCTAssertEqual(error as? SlideTrainError, .emptyBag(slide: "zz_empty"))
        }
        try SyntheticSlides.write(features: [Float](repeating: .infinity, count: 12), width: 12, to: slides.featureURL("zz_inf"))
        XCTAssertThrowsError(try pipeline.predict(slideIDs: ["zz_inf"], featuresFolder: slides.folder)) { error in
            XCTAssertEqual(error as? SlideTrainError, .nonFinite(slide: "zz_inf", row: 0))
        }
        XCTAssertThrowsError(try pipeline.predict(slideIDs: ["absent"], featuresFolder: slides.folder))
    }

    func testModelFolderErrors() throws {
        let folder = try SyntheticSlides.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        XCTAssertThrowsError(try SlideModelFiles.load(from: folder)) { error in
            XCTAssertTrue("\(error)".contains("model.json"))
        }
        let (run, _) = try trainedRun(in: folder)
        // A card promising another width does not fit the stored weights.
        let modelFolder = run.appendingPathComponent("fold-1")
        var card = try JSONDecoder().decode(SlideModelCard.self, from: Data(contentsOf: modelFolder.appendingPathComponent("model.json")))
        card.inputWidth = 13
        try JSONEncoder().encode(card).write(to: modelFolder.appendingPathComponent("model.json"))
        XCTAssertThrowsError(try SlideModelFiles.load(from: modelFolder))
    }
}
