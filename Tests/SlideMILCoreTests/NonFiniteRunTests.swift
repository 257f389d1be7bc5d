import Foundation
import MIL
import PredictStage
import TrainStage
import Store
import XCTest

/// NaN used to pass with exit 0: a diverged fold was saved as a model and predict wrote
/// `probability=nan`. Also: predict used to skip feature files named `.x.h5` without a word.
final class NonFiniteRunTests: XCTestCase {
    /// Rewrites a slide's features as alternating ±`Float.greatestFiniteMagnitude`: finite, so
    /// loading accepts them, but any sum over them overflows.
    private func poison(_ url: URL) throws {
        let file = try FeatureFile.read(from: url)
        try FileManager.default.removeItem(at: url)
        let writer = try FeatureFileWriter(url: url, dimension: file.dimension, metadata: file.metadata ?? FeatureFileMetadata(backbone: "b"))
        try writer.append(features: file.features.indices.map { $0 % 2 == 0 ? Float.greatestFiniteMagnitude : -Float.greatestFiniteMagnitude }, coordinates: file.coordinates)
        try writer.finish()
    }

    func testDivergingFoldStopsTrainingNamingFoldAndEpochAndSavesNoModel() throws {
        let folder = try SyntheticSlides.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let slides = try SyntheticSlides.make(in: folder, negatives: 4, positives: 4, seed: 3)
        for id in slides.ids { try poison(slides.featureURL(id)) }
        let data = try SlideBagSet.load(labels: slides.table, featuresFolder: slides.folder, positiveClass: nil)
        let run = folder.appendingPathComponent("run")
        XCTAssertThrowsError(try SlideTrainPipeline(settings: SlideTrainPipelineTests.smallSettings(folds: 1), data: data,
                                                    outputDirectory: run).run()) { error in
            guard case let .diverged(fold, diverged)? = error as? SlideTrainError else { return XCTFail("\(error)") }
            XCTAssertEqual(fold, 1)
            XCTAssertEqual(diverged.epoch, 1)
            XCTAssertTrue("\(error)".hasPrefix("fold 1: training diverged in epoch 1: "), "\(error)")
            XCTAssertTrue("\(error)".hasSuffix("; no model was saved (lower training.learningRate or check the features)"), "\(error)")
        }
        XCTAssertFalse(FileManager.default.fileExists(atPath: run.appendingPathComponent("fold-1/model.safetensors").path))
        XCTAssertFalse(FileManager.default.fileExists(atPath: run.appendingPathComponent("summary.json").path))
    }

    func testPredictRefusesANonFiniteOutputAndWritesNothing() throws {
        let folder = try SyntheticSlides.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let slides = try SyntheticSlides.make(in: folder, negatives: 4, positives: 4, seed: 8)
        let data = try SlideBagSet.load(labels: slides.table, featuresFolder: slides.folder, positiveClass: nil)
        var settings = SlideTrainPipelineTests.smallSettings(folds: 1)
        settings.training.epochs = 2
        settings.training.validationFraction = 0.25
        let run = folder.appendingPathComponent("run")
        _ = try SlideTrainPipeline(settings: settings, data: data, outputDirectory: run).run()
        let (model, card) = try SlideModelFiles.load(from: SlideModelFiles.resolve(run, fold: 1))
        // Finite weights, finite features: the attention scores still overflow.
        try poison(slides.featureURL(slides.ids[2]))
        XCTAssertThrowsError(try SlidePredictPipeline(model: model, card: card).predict(slideIDs: slides.ids, featuresFolder: slides.folder)) { error in
            XCTAssertEqual(error as? SlideTrainError, .nonFinitePrediction(slide: slides.ids[2], path: slides.featureURL(slides.ids[2]).path))
            XCTAssertEqual("\(error)", "slide '\(slides.ids[2])': the model's output for \(slides.featureURL(slides.ids[2]).path) is NaN or infinite; nothing was written")
        }
    }

    func testHiddenFeatureFilesAreListedForAWarning() throws {
        let folder = try SyntheticSlides.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let slides = try SyntheticSlides.make(in: folder, negatives: 1, positives: 1, seed: 2)
        try FileManager.default.copyItem(at: slides.featureURL(slides.ids[0]), to: slides.folder.appendingPathComponent(".hidden.h5"))
        try Data().write(to: slides.folder.appendingPathComponent(".other.h5.tmp-12ab"))
        XCTAssertEqual(try SlidePredictPipeline.slideIDs(in: slides.folder), slides.ids)
        XCTAssertEqual(SlidePredictPipeline.hiddenFeatureFiles(in: slides.folder), [".hidden.h5"])
    }
}
