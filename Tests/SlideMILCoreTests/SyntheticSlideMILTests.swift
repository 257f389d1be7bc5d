import Foundation
import HeatmapStage
import Pipeline
import SlideIO
import SlideSynthesis
import Store
import Synth
import TileStage
import XCTest

/// Slide-level MIL where the answer is known: synthetic H&E-like slides (half with tumour regions
/// whose boxes are recorded) go through tiling, a random-initialised ResNet-18, attention-MIL
/// training with cross-validation and prediction of slides never trained on. The held-out slides
/// must be ranked far better than chance, and the most attended tile of each held-out tumour slide
/// must lie in a tumour box far more often than a tile drawn at random does.
final class SyntheticSlideMILTests: XCTestCase {
    func testHeldOutSlidesAreRankedAndAttentionFindsTheTumour() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("synthetic-mil-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: folder) }
        let slides = folder.appendingPathComponent("slides")
        try SynthSlides.run(SynthRequest(output: slides.path, width: 2400, height: 1600, seed: 31, tumorCount: 1, jpegQuality: 80, batch: 32))

        var config = PipelineConfig()
        config.tile.grid.tileSize = 64
        config.tile.grid.minTissueFraction = 1
        config.extract.backbone = .resnet18
        config.extract.baseWidth = 8
        config.extract.inputSize = 64
        config.train.folds = 3
        config.train.minimumEpochs = 15
        config.train.training.learningRate = 5e-4
        config.train.training.epochs = 40
        config.train.training.patience = 10
        config.train.training.validationFraction = 0.2
        config.predict.heldOutFraction = 0.375
        config.heatmap.slides = 1
        config.heatmap.canvas = .maximumSide(512)
        let output = folder.appendingPathComponent("run")
        let report = try PipelineRun(config: config, slides: slides.path, labels: slides.appendingPathComponent("labels.csv").path,
                                     output: output.path, showProgress: false).run()

        XCTAssertEqual(report.heldOutSlides.count, 12)
        XCTAssertTrue(Set(report.heldOutSlides).isDisjoint(with: report.trainingSlides), "held-out slides are never trained on")
        let auc = try XCTUnwrap(report.heldOutAUC)
        XCTAssertGreaterThanOrEqual(auc, 0.9, "AUC on held-out synthetic slides (chance 0.5)")

        // Attention: the top tile of each held-out tumour slide against the tumour boxes.
        var hits = 0, tumourSlides = 0, tilesInside = 0, tiles = 0
        for prediction in report.predictions where prediction.label == "tumor" {
            let truth = try SyntheticSlideTruth.load(from: slides.appendingPathComponent(prediction.slideID + ".json").path)
            let scores = try HeatmapScores.read(from: URL(fileURLWithPath: report.layout.predictions)
                .appendingPathComponent("attention/\(prediction.slideID).h5"))
            let side = Double(try XCTUnwrap(scores.patchSizeLevel0, "attention files record the tile size"))
            XCTAssertEqual(try XCTUnwrap(scores.probability), Double(prediction.probability), accuracy: 1e-6)
            func inTumour(_ index: Int) -> Bool {
                let centreX = Double(scores.coordinates[index].x) + side / 2, centreY = Double(scores.coordinates[index].y) + side / 2
                return truth.tumorBoxes.contains { box in
                    centreX >= Double(box.x) && centreX < Double(box.x + box.width) && centreY >= Double(box.y) && centreY < Double(box.y + box.height)
                }
            }
            let top = scores.attention.indices.max { scores.attention[$0] < scores.attention[$1] }!
            tumourSlides += 1
            if inTumour(top) { hits += 1 }
            tilesInside += scores.attention.indices.filter(inTumour).count
            tiles += scores.attention.count
        }
        let hitRate = Double(hits) / Double(tumourSlides), chance = Double(tilesInside) / Double(tiles)
        print(String(format: "synthetic slides: held-out AUC %.3f; top-attention tile in a tumour box in %d of %d tumour slides (%.0f %%), chance %.0f %%",
                     auc, hits, tumourSlides, 100 * hitRate, 100 * chance))
        XCTAssertEqual(tumourSlides, 6)
        XCTAssertGreaterThanOrEqual(hitRate, 5.0 / 6.0, "top-attention tile inside a tumour box")
        XCTAssertGreaterThan(hitRate, 3 * chance, "far more often than a random tile (\(chance))")
    }
}
