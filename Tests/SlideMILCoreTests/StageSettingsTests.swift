import ExtractStage
import Foundation
import HeatmapStage
import Pipeline
import PredictStage
import RunSupport
import TileStage
import TrainStage
import XCTest

/// Each stage's settings type is its pipeline config section: `--set` reaches the field the
/// library reads, the YAML the pipeline records reads back to the same settings, and a value
/// outside its range is refused in one line naming the key.
final class StageSettingsTests: XCTestCase {
    /// A config with a non-default value in every section, given as `--set` overrides.
    private let overrides = [
        "tile.tileSize=300", "tile.magnification=20", "tile.mpp=0.25", "tile.saturationThreshold=30", "tile.reader=openslide",
        "tile.tileCacheMb=8", "tile.verifyTiles=true",
        "extract.backbone=resnet18", "extract.weights=none", "extract.threads=3", "extract.mean=[0.5, 0.25, 0.125]",
        "extract.skipBadTiles=true", "extract.exactResampling=true",
        "train.folds=3", "train.training.learningRate=0.01",
        "predict.fold=best", "predict.heldOutFraction=0.5",
        "heatmap.maxSide=700", "heatmap.sigma=2", "heatmap.everywhere=true", "heatmap.className=Tumor", "heatmap.slides=2",
        "heatmap.tileLevel=1",
    ]

    func testSetOnEverySectionReachesTheFieldsTheStagesRead() throws {
        let config = try PipelineConfig.load(file: nil, overrides: overrides)
        XCTAssertEqual(config.tile.grid.tileSize, 300)
        XCTAssertEqual(config.tile.grid.target, .magnification(20))
        XCTAssertEqual(config.tile.mppOverride, 0.25)
        XCTAssertEqual(config.tile.segmentation.threshold, .fixed(30))
        XCTAssertFalse(config.tile.reading.directReader)
        XCTAssertEqual(config.tile.reading.tileCacheBytes, 8 << 20)
        XCTAssertTrue(config.tile.verifyTiles)
        let extract = try config.extractSettings()
        XCTAssertEqual(extract.backbone, .resnet18)
        XCTAssertNil(extract.weights)
        XCTAssertEqual(extract.workers, 3)
        XCTAssertEqual(extract.mean, [0.5, 0.25, 0.125])
        XCTAssertEqual(extract.badTilePolicy, .skip)
        XCTAssertTrue(extract.reading.exactResampling)
        XCTAssertEqual(extract.tileSize, 300, "extraction checks the tile section's size")
        XCTAssertEqual(config.train.folds, 3)
        XCTAssertEqual(config.train.training.learningRate, 0.01)
        XCTAssertEqual(config.predict.fold, .best)
        XCTAssertEqual(config.predict.heldOutFraction, 0.5)
        XCTAssertEqual(config.heatmap.canvas, .maximumSide(700))
        XCTAssertEqual(config.heatmap.smoothingSigma, 2)
        XCTAssertFalse(config.heatmap.tissueOnly)
        XCTAssertEqual(config.heatmap.highAttentionClass, "Tumor")
        XCTAssertEqual(config.heatmap.slides, 2)
        XCTAssertEqual(config.heatmap.tileLevel, 1)
        XCTAssertNoThrow(try config.validate())
        XCTAssertEqual(try config.tile.applying(overrides: ["tileSize=128"]).grid.tileSize, 128, "a stage command's --set")
    }

    func testTheRecordedYAMLReadsBackToTheSameSettings() throws {
        let config = try PipelineConfig.load(file: nil, overrides: overrides)
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("pipeline-\(UUID().uuidString).yaml")
        defer { try? FileManager.default.removeItem(at: file) }
        try Data(try ConfigLoader.yaml(config).utf8).write(to: file)
        XCTAssertEqual(try PipelineConfig.load(file: file), config)
        XCTAssertEqual(try PipelineConfig.load(file: nil), PipelineConfig(), "the defaults read back too")
    }

    func testValuesOutsideTheirRangesAreRefusedInOneLineNamingTheKey() throws {
        let cases = [
            "tile.tileSize=4": "tile.tileSize (--tile-size)", "tile.magnification=-5": "tile.magnification (--magnification)",
            "tile.tileCacheMb=-1": "tile.tileCacheMb (--tile-cache-mb)", "tile.readers=0": "tile.readers (--readers)",
            "extract.batchSize=0": "extract.batchSize (--batch-size)", "extract.threads=-2": "extract.threads (--threads)",
            "extract.std=[0.2, 0, 0.2]": "extract.std (--std)",
            "train.training.learningRate=0": "train.training.learningRate", "train.folds=0": "train.folds (--folds)",
            "train.survival.alpha=2": "train.survival.alpha", "train.training.elasticNet.l2Fraction=-1": "train.training.elasticNet.l2Fraction",
            "predict.heldOutFraction=1": "predict.heldOutFraction",
            "heatmap.alpha=2": "heatmap.alpha (--alpha)", "heatmap.sigma=-1": "heatmap.sigma (--sigma)",
            "heatmap.topK=-1": "heatmap.topK (--top-k)", "heatmap.slides=-1": "heatmap.slides", "heatmap.level=-2": "heatmap.level (--level)",
        ]
        for (override, key) in cases {
            let config = try PipelineConfig.load(file: nil, overrides: [override])
            XCTAssertThrowsError(try config.validate(), override) { error in
                XCTAssertEqual((error as? SettingRangeError)?.key, key, override)
                XCTAssertFalse("\(error)".contains("\n"), "one line: \(error)")
            }
        }
    }

    func testCommandArgumentsNameOnlyWhatDiffersFromTheDefaults() throws {
        XCTAssertEqual(TileSettings().commandArguments(), [])
        XCTAssertEqual(HeatmapSettings().commandArguments(), [])
        XCTAssertEqual(ExtractSettings().commandArguments(), ["--weights", "none"], "extract needs --weights")
        var heatmap = HeatmapSettings()
        heatmap.slides = 3
        XCTAssertEqual(heatmap.commandArguments(), [], "heatmap.slides is the pipeline's, not an option")
        heatmap.legend = false
        heatmap.alpha = 0.5
        XCTAssertEqual(heatmap.commandArguments(), ["--alpha", "0.5", "--no-legend"])
        XCTAssertEqual(SlideTrainSettings().commandArguments(), [])
        var train = SlideTrainSettings()
        train.training.epochs = 40
        train.survival.loss = .cox
        train.training.batchSize = 16
        train.model.pooling = .gatedAttention
        XCTAssertEqual(train.commandArguments(), ["--survival-loss", "cox", "--pooling", "gated_attention", "--epochs", "40",
                                                  "--set", "training.batchSize=16"], "train's keys without an option go as --set")
    }

    /// Train's keys keep the nesting of configs/slide-mil.yaml: written nested, read nested, and a
    /// nested key given flat in YAML is unknown.
    func testTrainKeysAreNestedInTheYAML() throws {
        var train = SlideTrainSettings()
        train.training.elasticNet.l2Fraction = 0.25
        train.survival.bins = 7
        train.instanceLoss.topK = 3
        let yaml = try ConfigLoader.yaml(train)
        XCTAssertTrue(yaml.contains("training:\n"), yaml)
        XCTAssertTrue(yaml.contains("  elasticNet:\n    strength: "), yaml)
        XCTAssertTrue(yaml.contains("\n    l2Fraction: "), yaml)
        XCTAssertTrue(yaml.contains("survival:\n  loss: nll\n  bins: 7\n"), yaml)
        XCTAssertFalse(yaml.contains("training.epochs"), yaml)
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("train-\(UUID().uuidString).yaml")
        defer { try? FileManager.default.removeItem(at: file) }
        try Data(yaml.utf8).write(to: file)
        XCTAssertEqual(try ConfigLoader.load(defaults: SlideTrainSettings(), file: file), train)
        try Data("training.epochs: 3\n".utf8).write(to: file)
        XCTAssertThrowsError(try ConfigLoader.load(defaults: SlideTrainSettings(), file: file))
        XCTAssertEqual(try train.applying(overrides: ["train.training.epochs=3", "survival.loss=cox"]).training.epochs, 3)
        XCTAssertEqual(try train.applying(overrides: ["survival.loss=cox"]).survival.loss, .cox)
        XCTAssertThrowsError(try train.applying(overrides: ["training.epoch=3"]))
    }
}
