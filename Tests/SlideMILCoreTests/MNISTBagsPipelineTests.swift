import Foundation
import MNISTRun
import XCTest

/// A tiny but complete `slidemil mnist` run: 3000 images, two short pretraining epochs, a
/// width-8 ResNet (about 10 s). With the target digit 1 a working pipeline separates bags almost
/// perfectly (AUC 0.997-0.999 for seeds 1-3, measured); shuffled labels, broken masking or
/// features detached from their images give about 0.5, so the bound is 0.95.
final class MNISTBagsPipelineTests: XCTestCase {
    private func tinyConfig() -> MNISTBagsConfig {
        var config = MNISTBagsConfig()
        config.pretraining.baseWidth = 8
        config.pretraining.epochs = 2
        config.pretraining.learningRate = 3e-3
        config.pretraining.trainingImages = 3000
        config.pretraining.validationImages = 500
        config.bags.trainingPool = 3000
        config.bags.testPool = 1500
        config.bags.trainingBags = 400
        config.bags.testBags = 200
        config.model.attentionHidden = 16
        config.model.classifierHidden = 64
        config.training.epochs = 15
        config.figure.bags = 4
        return config
    }

    func testTinyRunLearnsWritesItsFolderAndReusesFeatures() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("mnist-bags-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: folder) }
        let first = try MNISTBagsPipeline(config: tinyConfig(), outputDirectory: folder, showProgress: false).run()
        XCTAssertFalse(first.reusedFeatures)
        XCTAssertEqual(first.pretraining.count, 2)
        XCTAssertEqual(first.featureWidth, 64)
        XCTAssertGreaterThan(first.testAUC ?? 0, 0.95, first.table)
        XCTAssertGreaterThan(first.testAccuracy, first.majorityBaselineAccuracy, first.table)
        // One in ten images is a 1 and bags hold 3-7, so about 41% of bags are positive.
        XCTAssertEqual(first.testPositiveRate, 0.41, accuracy: 0.12)
        XCTAssertEqual(first.confusion.total, 200)

        for name in ["cnn.safetensors", "features.safetensors", "mil.safetensors", "config.yaml", "metrics.json", "predictions.csv", "attention.png"] {
            XCTAssertTrue(FileManager.default.fileExists(atPath: folder.appendingPathComponent(name).path), name)
        }
        let csv = try String(contentsOf: folder.appendingPathComponent("predictions.csv"), encoding: .utf8)
        let rows = csv.split(separator: "\n")
        XCTAssertEqual(rows.count, 201)
        XCTAssertEqual(rows[0], "bag,label,probability,predicted,size,instances,digits,weights")
        let fields = rows[1].split(separator: ",", omittingEmptySubsequences: false)
        let weights = fields[7].split(separator: ";").compactMap { Float(String($0)) }
        XCTAssertEqual(weights.count, Int(fields[4]))
        XCTAssertEqual(weights.reduce(0, +), 1, accuracy: 1e-4)
        let leftovers = try FileManager.default.contentsOfDirectory(atPath: folder.path).filter { $0.contains("tmp") }
        XCTAssertEqual(leftovers, [])

        // Same pretraining settings, another MIL head: the features come from the cache.
        var again = tinyConfig()
        again.model.pooling = .mean
        let second = try MNISTBagsPipeline(config: again, outputDirectory: folder, showProgress: false).run()
        XCTAssertTrue(second.reusedFeatures)
        XCTAssertTrue(second.pretraining.isEmpty)
        XCTAssertEqual(second.testBags, 200)
    }
}
