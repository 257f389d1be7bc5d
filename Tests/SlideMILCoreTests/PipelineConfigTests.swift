import Demo
import ExtractStage
import HeatmapStage
import PredictStage
import TileStage
import Backbones
import Foundation
import MIL
import Pipeline
import RunSupport
import Store
import Tiling
import TrainStage
import XCTest

final class PipelineConfigTests: XCTestCase {
    private let configs = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("configs")

    func testDemoYAMLEqualsTheBuiltInDemo() throws {
        let loaded = try DemoConfig.load(file: configs.appendingPathComponent("demo.yaml"))
        XCTAssertEqual(loaded, DemoConfig())
        XCTAssertEqual(loaded.slides.count, 40)
        XCTAssertEqual(loaded.tile.grid.tileSize, 128)
        XCTAssertEqual(try loaded.pipeline.extractSettings().backboneName, "resnet18-w8")
        XCTAssertNoThrow(try loaded.pipeline.validate())
    }

    func testCamelyon16UNIYAMLRunsTheUNIPresetIntoTRIDENTsFolder() throws {
        let config = try PipelineConfig.load(file: configs.appendingPathComponent("camelyon16-uni.yaml"))
        let extract = try config.extractSettings()
        XCTAssertEqual(extract.backbone, .uni)
        XCTAssertEqual(extract.backbone.preset?.outputWidth, 1024)
        XCTAssertEqual(extract.inputSize, EncoderPreset.uni.inputSize)
        XCTAssertEqual(extract.mean, EncoderPreset.uni.mean)
        XCTAssertEqual(extract.std, EncoderPreset.uni.std)
        XCTAssertEqual(extract.featureFolderName, "features_uni_v1")
        XCTAssertNoThrow(try config.validate())
        var hOptimus = config
        hOptimus.extract.backbone = .hOptimus0
        XCTAssertEqual(try hOptimus.extractSettings().mean, EncoderPreset.hOptimus0.mean, "the preset's, not ImageNet's")
        hOptimus.extract.std = [0.2, 0.2, 0.2]
        XCTAssertEqual(try hOptimus.extractSettings().std, [0.2, 0.2, 0.2], "an explicit value wins")
    }

    func testCamelyon16YAMLHoldsTheDocumentedStartingPoint() throws {
        let config = try PipelineConfig.load(file: configs.appendingPathComponent("camelyon16.yaml"))
        let tile = config.tile
        XCTAssertNoThrow(try tile.validate())
        XCTAssertEqual(tile.grid.target, .micronsPerPixel(0.5))
        XCTAssertEqual(tile.grid.tileSize, 256)
        XCTAssertEqual(tile.segmentation.threshold, .otsu)
        let extract = try config.extractSettings()
        XCTAssertEqual(extract.backbone, .resnet50Truncated)
        XCTAssertEqual(extract.backbone.configuration(baseWidth: extract.baseWidth)?.outputWidth, 1024)
        XCTAssertEqual(extract.weights, "resnet50.safetensors")
        XCTAssertEqual(extract.inputSize, 224)
        XCTAssertEqual(extract.tileSize, 256)
        var train = SlideTrainSettings()
        train.folds = 10
        train.minimumEpochs = 50
        train.training.learningRate = 1e-4
        train.training.epochs = 200
        train.classBalance = .sampling
        train.instanceLoss = InstanceLossOptions(weight: 0.3, topK: 8)
        train.model.embeddingWidth = 512
        train.model.pooling = .gatedAttention
        train.model.attentionHidden = 256
        train.model.classifier = .logistic
        XCTAssertEqual(config.train, train)
        XCTAssertNoThrow(try config.train.validate(), "CLAM-SB settings are consistent")
        XCTAssertTrue(config.train.architecture.instanceClassifiers)
        XCTAssertEqual(config.predict, PredictSettings())
        XCTAssertEqual(config.heatmap, HeatmapSettings())
    }

    func testUnknownKeysAndBadValuesAreRejected() throws {
        XCTAssertThrowsError(try PipelineConfig.load(file: nil, overrides: ["tile.tileSise=64"])) { error in
            guard case ConfigError.unknownKey(let key, _, _)? = error as? ConfigError else { return XCTFail("\(error)") }
            XCTAssertEqual(key, "tile.tileSise")
        }
        XCTAssertThrowsError(try DemoConfig.load(file: nil, overrides: ["train.folds=two"]))
        let negative = try PipelineConfig.load(file: nil, overrides: ["predict.heldOutFraction=1"])
        XCTAssertThrowsError(try negative.validate()) { error in
            XCTAssertEqual((error as? SettingRangeError)?.key, "predict.heldOutFraction")
        }
        XCTAssertThrowsError(try PipelineConfig.load(file: nil, overrides: ["heatmap.colormap=rainbow"])) { error in
            XCTAssertTrue("\(error)".contains("heatmap.colormap"), "\(error)")
        }
    }

    func testPredictingModelReadsAFoldNumberBestOrAll() throws {
        XCTAssertEqual(PipelineConfig().predict.fold, .all, "the fold models are averaged by default")
        XCTAssertEqual(try PipelineConfig.load(file: nil, overrides: ["predict.fold=3"]).predict.fold, .fold(3))
        XCTAssertEqual(try PipelineConfig.load(file: nil, overrides: ["predict.fold=best"]).predict.fold, .best)
        XCTAssertThrowsError(try PipelineConfig.load(file: nil, overrides: ["predict.fold=0"]))
        XCTAssertThrowsError(try PipelineConfig.load(file: nil, overrides: ["predict.fold=first"]))
        for selection in [SlideModelSelection.fold(2), .best, .all] {
            var config = PipelineConfig()
            config.predict.fold = selection
            let file = FileManager.default.temporaryDirectory.appendingPathComponent("pipeline-\(UUID().uuidString).yaml")
            defer { try? FileManager.default.removeItem(at: file) }
            try ConfigLoader.yaml(config).write(to: file, atomically: true, encoding: .utf8)
            XCTAssertEqual(try PipelineConfig.load(file: file).predict.fold, selection, "written and read back: \(selection.argument)")
        }
    }

    func testSaturationThresholdReadsOtsuOrANumber() throws {
        let fixed = try PipelineConfig.load(file: nil, overrides: ["tile.saturationThreshold=20"])
        XCTAssertEqual(fixed.tile.segmentation.threshold, .fixed(20))
        let otsu = try PipelineConfig.load(file: nil, overrides: ["tile.saturationThreshold=otsu"])
        XCTAssertEqual(otsu.tile.segmentation.threshold, .otsu)
        XCTAssertThrowsError(try PipelineConfig.load(file: nil, overrides: ["tile.saturationThreshold=high"]))
        XCTAssertThrowsError(try PipelineConfig.load(file: nil, overrides: ["tile.saturationThreshold=256"])) { error in
            XCTAssertTrue("\(error)".contains("tile.saturationThreshold"), "\(error)")
        }
        // Round trip through the YAML the pipeline records.
        let yaml = try ConfigLoader.yaml(fixed)
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("pipeline-\(UUID().uuidString).yaml")
        defer { try? FileManager.default.removeItem(at: file) }
        try Data(yaml.utf8).write(to: file)
        XCTAssertEqual(try PipelineConfig.load(file: file), fixed)
    }

    func testMagnificationAndMppOverrideTheirDefaults() throws {
        let config = try PipelineConfig.load(file: nil, overrides: ["tile.magnification=10", "tile.mpp=0.25"])
        XCTAssertEqual(config.tile.grid.target, .magnification(10))
        XCTAssertEqual(config.tile.mppOverride, 0.25)
        XCTAssertNil(PipelineConfig().tile.mppOverride)
    }

    func testCommandLinesQuoteOnlyWhatTheShellWouldSplit() {
        XCTAssertEqual(PipelineCommandLine(["tile", "runs/a.csv", "--output", "runs/x"]).description, "slidemil tile runs/a.csv --output runs/x")
        XCTAssertEqual(PipelineCommandLine(["tile", "my slides", "--mean", "0.5,0.5,0.5"]).description,
                       "slidemil tile 'my slides' --mean 0.5,0.5,0.5")
        XCTAssertEqual(PipelineCommandLine(["heatmap", "it's.tif", ""]).description, "slidemil heatmap 'it'\\''s.tif' ''")
    }
}
