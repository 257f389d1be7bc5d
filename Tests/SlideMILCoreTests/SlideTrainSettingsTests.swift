import Foundation
import MIL
import RunSupport
import TrainStage
import XCTest

/// The shipped training config and the built-in defaults must not drift apart.
final class SlideTrainSettingsTests: XCTestCase {
    private var shippedConfig: URL {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("configs/slide-mil.yaml")
    }

    func testShippedConfigEqualsTheDefaults() throws {
        XCTAssertEqual(try ConfigLoader.load(defaults: SlideTrainSettings(), file: shippedConfig), SlideTrainSettings())
        var altered = SlideTrainSettings()
        altered.folds = 2
        altered.minimumEpochs = 1
        altered.classBalance = .none
        altered.instanceLoss.topK = 3
        altered.model.standardizeFeatures = false
        altered.model.embeddingWidth = 5
        altered.model.pooling = .max
        altered.model.noisyAndSlope = 1
        altered.training.learningRate = 1
        altered.training.elasticNet.l2Fraction = 0.1
        altered.training.seed = 9
        altered.task = .survival
        altered.head = .dsmil
        altered.survival = SurvivalSettings(loss: .cox, bins: 2, alpha: 0.5)
        XCTAssertEqual(try ConfigLoader.load(defaults: altered, file: shippedConfig), SlideTrainSettings(), "every key is spelt out")
    }

    func testOverrides() throws {
        let settings = try ConfigLoader.load(defaults: SlideTrainSettings(), overrides: ["model.pooling=gated_attention", "folds=3"])
        XCTAssertEqual(settings.model.pooling, .gatedAttention)
        XCTAssertEqual(settings.folds, 3)
        XCTAssertThrowsError(try ConfigLoader.load(defaults: SlideTrainSettings(), overrides: ["model.poling=max"]))
    }
}
