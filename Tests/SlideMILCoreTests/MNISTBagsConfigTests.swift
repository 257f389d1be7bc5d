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
}
