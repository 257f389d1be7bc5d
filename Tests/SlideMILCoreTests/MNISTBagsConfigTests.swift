import Foundation
import MNISTRun
import RunSupport
import XCTest

/// The shipped config and the built-in defaults must not drift apart.
final class MNISTBagsConfigTests: XCTestCase {
    private var shippedConfig: URL {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("configs/mnist-bags.yaml")
    }

    func testShippedConfigEqualsTheDefaults() throws {
        let loaded = try ConfigLoader.load(defaults: MNISTBagsConfig(), file: shippedConfig)
        XCTAssertEqual(loaded, MNISTBagsConfig())
        // Every default key is spelt out in the file: loading it over defaults with every value
        // changed must give the file's values back.
        var altered = MNISTBagsConfig()
        altered.seed = 99
        altered.pretraining.baseWidth = 3
        altered.bags.targetDigit = 7
        altered.bags.task = .twoDigits
        altered.bags.secondDigit = 3
        altered.model.pooling = .max
        altered.training.elasticNet.l2Fraction = 0.9
        XCTAssertEqual(try ConfigLoader.load(defaults: altered, file: shippedConfig), MNISTBagsConfig())
    }

    func testOverridesReachNestedSettingsAndMisspellingsFail() throws {
        let config = try ConfigLoader.load(defaults: MNISTBagsConfig(), overrides: ["model.pooling=gated_attention", "bags.targetDigit=9"])
        XCTAssertEqual(config.model.pooling, .gatedAttention)
        XCTAssertEqual(config.bags.targetDigit, 9)
        XCTAssertThrowsError(try ConfigLoader.load(defaults: MNISTBagsConfig(), overrides: ["model.poling=max"]))
        XCTAssertThrowsError(try ConfigLoader.load(defaults: MNISTBagsConfig(), overrides: ["model.pooling=median"]))
    }

    /// Each named head spells out pooling, classifier and elastic net, so it fully replaces
    /// another head's settings, and a later --set still wins.
    func testNamedHeadsSetPoolingClassifierAndElasticNet() throws {
        var start = MNISTBagsConfig()
        start.model.classifier = .logistic
        start.training.elasticNet.strength = 5
        let attention = try ConfigLoader.load(defaults: start, overrides: MNISTHead.attention.settings)
        XCTAssertEqual(attention.model.pooling, .attention)
        XCTAssertEqual(attention.model.classifier, .mlp)
        XCTAssertEqual(attention.training.elasticNet.strength, 0)
        let logistic = try ConfigLoader.load(defaults: MNISTBagsConfig(), overrides: MNISTHead.logisticElasticNet.settings)
        XCTAssertEqual(logistic.model.pooling, .mean)
        XCTAssertEqual(logistic.model.classifier, .logistic)
        XCTAssertEqual(logistic.training.elasticNet.strength, 0.1)
        let nn = try ConfigLoader.load(defaults: MNISTBagsConfig(), overrides: MNISTHead.nnElasticNet.settings + ["model.pooling=max"])
        XCTAssertEqual(nn.model.classifier, .mlp)
        XCTAssertEqual(nn.model.pooling, .max)
        XCTAssertGreaterThan(nn.training.elasticNet.strength, 0)
        for head in MNISTHead.allCases { XCTAssertNoThrow(try ConfigLoader.load(defaults: MNISTBagsConfig(), overrides: head.settings), head.rawValue) }
    }

    func testTwoDigitTaskRejectsOneDigitTwiceAndAnEmbedding() throws {
        var config = MNISTBagsConfig()
        config.bags.task = .twoDigits
        XCTAssertNoThrow(try config.validate())
        config.bags.secondDigit = config.bags.targetDigit
        XCTAssertThrowsError(try config.validate()) { XCTAssertTrue("\($0)".contains("bags.secondDigit"), "\($0)") }
        config.bags.secondDigit = 4
        config.model.embeddingWidth = 8
        XCTAssertThrowsError(try config.validate()) { XCTAssertTrue("\($0)".contains("model.embeddingWidth"), "\($0)") }
    }
}
