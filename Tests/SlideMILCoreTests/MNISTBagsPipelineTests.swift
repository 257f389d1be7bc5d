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
        XCTAssertEqual(try XCTUnwrap(first.testPositiveRate), 0.41, accuracy: 0.12)
        XCTAssertEqual(first.confusion?.total, 200)

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

        // The four-class variant over the same cached features: classes are balanced, so chance
        // is accuracy 0.25 and macro AUC 0.5; a working head separates them well.
        var twoDigits = tinyConfig()
        twoDigits.bags.task = .twoDigits
        twoDigits.bags.secondDigit = 7
        twoDigits.training.learningRate = 2e-3
        twoDigits.training.patience = 15 // as docs/mnist-bags.md advises: 5 can stop on a one-digit plateau
        let third = try MNISTBagsPipeline(config: twoDigits, outputDirectory: folder, showProgress: false).run()
        XCTAssertTrue(third.reusedFeatures)
        XCTAssertEqual(third.classes, ["neither", "first", "second", "both"])
        XCTAssertEqual(third.classConfusion?.total, 200)
        XCTAssertNil(third.testAUC)
        XCTAssertGreaterThan(third.testMacroAUC ?? 0, 0.9, third.table)
        XCTAssertGreaterThan(third.testAccuracy, 0.6, third.table)
        XCTAssertEqual(third.testPerClassAUC?.count, 4)
        let multiclassRows = try String(contentsOf: folder.appendingPathComponent("predictions.csv"), encoding: .utf8).split(separator: "\n")
        XCTAssertEqual(multiclassRows.count, 201)
        XCTAssertEqual(multiclassRows[0], "bag,label,predicted,p_neither,p_first,p_second,p_both,size,instances,digits,weights")
        let probabilities = multiclassRows[1].split(separator: ",").dropFirst(3).prefix(4).compactMap { Double(String($0)) }
        XCTAssertEqual(probabilities.reduce(0, +), 1, accuracy: 1e-6)
    }
}
