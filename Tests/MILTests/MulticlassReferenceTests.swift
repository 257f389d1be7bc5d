import Foundation
import MIL
import MILTasks
import NN
import Tensor
import XCTest

/// Reference numbers written by `Tests/Fixtures/mil_metrics/make_reference_values.py`
/// (scikit-learn, pandas, PyTorch autograd, lifelines).
enum MILReferenceValues {
    static let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Fixtures/mil_metrics/reference_values.json")

    static func load() throws -> [String: Any] {
        try XCTUnwrap(JSONSerialization.jsonObject(with: Data(contentsOf: url)) as? [String: Any])
    }

    static func doubles(_ value: Any?) throws -> [Double] {
        try XCTUnwrap(value as? [NSNumber]).map(\.doubleValue)
    }

    static func ints(_ value: Any?) throws -> [Int] {
        try XCTUnwrap(value as? [NSNumber]).map(\.intValue)
    }

    static func double(_ value: Any?) throws -> Double {
        try XCTUnwrap(value as? NSNumber).doubleValue
    }
}

/// Multi-class metrics and the weighted cross-entropy against scikit-learn and PyTorch.
final class MulticlassReferenceTests: XCTestCase {
    func testMetricsMatchScikitLearn() throws {
        let reference = try XCTUnwrap(try MILReferenceValues.load()["multiclass"] as? [String: Any])
        let labels = try MILReferenceValues.ints(reference["labels"])
        let scores = try XCTUnwrap(reference["scores"] as? [[NSNumber]]).map { $0.map(\.doubleValue) }
        let predicted = MulticlassMetrics.predictedClasses(scores: scores)
        XCTAssertEqual(predicted, try MILReferenceValues.ints(reference["predicted"]))
        let matrix = MulticlassConfusionMatrix(predicted: predicted, actual: labels, classCount: 4)
        XCTAssertEqual(matrix.counts, try XCTUnwrap(reference["confusion"] as? [[Int]]))
        XCTAssertEqual(try XCTUnwrap(matrix.accuracy), try MILReferenceValues.double(reference["accuracy"]), accuracy: 1e-12)
        XCTAssertEqual(try XCTUnwrap(matrix.balancedAccuracy), try MILReferenceValues.double(reference["balanced_accuracy"]), accuracy: 1e-12)
        XCTAssertEqual(try XCTUnwrap(MulticlassMetrics.macroAUC(scores: scores, labels: labels, classCount: 4)),
                       try MILReferenceValues.double(reference["macro_auc"]), accuracy: 1e-12)
        let perClass = MulticlassMetrics.perClassAUC(scores: scores, labels: labels, classCount: 4)
        for (ours, theirs) in zip(perClass, try MILReferenceValues.doubles(reference["per_class_auc"])) {
            XCTAssertEqual(try XCTUnwrap(ours), theirs, accuracy: 1e-12)
        }
        let weights = WeightedCrossEntropy.balancedWeights(classes: labels, classCount: 4)
        for (ours, theirs) in zip(weights, try MILReferenceValues.doubles(reference["balanced_weights"])) {
            XCTAssertEqual(Double(ours), theirs, accuracy: 1e-6)
        }
    }

    func testMetricsOnHandWorkedCases() throws {
        // Class 2 never occurs: its AUC is undefined and skipped; its recall is not averaged.
        let matrix = MulticlassConfusionMatrix(predicted: [0, 1, 1, 2, 0], actual: [0, 1, 0, 1, 0], classCount: 3)
        XCTAssertEqual(matrix.counts, [[2, 1, 0], [0, 1, 1], [0, 0, 0]])
        XCTAssertEqual(try XCTUnwrap(matrix.balancedAccuracy), (2.0 / 3 + 1.0 / 2) / 2, accuracy: 1e-12)
        XCTAssertNil(MulticlassConfusionMatrix(classCount: 3).accuracy)
        let scores = [[0.8, 0.1, 0.1], [0.3, 0.6, 0.1], [0.4, 0.4, 0.2]]
        let perClass = MulticlassMetrics.perClassAUC(scores: scores, labels: [0, 1, 1], classCount: 3)
        XCTAssertEqual(perClass[0], 1)
        XCTAssertEqual(perClass[1], 1)
        XCTAssertNil(perClass[2])
        XCTAssertEqual(MulticlassMetrics.macroAUC(scores: scores, labels: [0, 1, 1], classCount: 3), 1)
        XCTAssertEqual(MulticlassMetrics.predictedClasses(scores: [[0.5, 0.5]]), [0], "ties go to the first class")
    }

    func testWeightedCrossEntropyMatchesPyTorch() throws {
        let reference = try XCTUnwrap(try MILReferenceValues.load()["cross_entropy"] as? [String: Any])
        let logits = Tensor(shape: [7, 3], storage: try MILReferenceValues.doubles(reference["logits"]).map(Float.init))
        let loss = WeightedCrossEntropy.loss(logits: logits, classes: try MILReferenceValues.ints(reference["classes"]),
                                             classWeights: try MILReferenceValues.doubles(reference["weights"]).map(Float.init))
        XCTAssertEqual(Double(loss.value), try MILReferenceValues.double(reference["loss"]), accuracy: 1e-5)
        for (ours, theirs) in zip(loss.gradient.storage, try MILReferenceValues.doubles(reference["gradient"])) {
            XCTAssertEqual(Double(ours), theirs, accuracy: 1e-6)
        }
        // Without weights it is the plain mean cross-entropy.
        let plain = WeightedCrossEntropy.loss(logits: logits, classes: try MILReferenceValues.ints(reference["classes"]))
        XCTAssertEqual(plain.value, CrossEntropy.loss(logits: logits, classes: try MILReferenceValues.ints(reference["classes"])).value, accuracy: 1e-5)
    }

    func testWeightedCrossEntropyGradientMatchesFiniteDifferences() {
        var generator = SeededGenerator(seed: 3)
        var logits = Tensor.normal([5, 4], standardDeviation: 2, generator: &generator)
        let classes = [0, 3, 3, 1, 2], weights: [Float] = [1, 0.5, 3, 2]
        let analytic = WeightedCrossEntropy.loss(logits: logits, classes: classes, classWeights: weights).gradient
        let step: Float = 1e-2
        for index in logits.storage.indices {
            let original = logits.storage[index]
            logits.storage[index] = original + step
            let up = WeightedCrossEntropy.loss(logits: logits, classes: classes, classWeights: weights).value
            logits.storage[index] = original - step
            let down = WeightedCrossEntropy.loss(logits: logits, classes: classes, classWeights: weights).value
            logits.storage[index] = original
            XCTAssertEqual(analytic.storage[index], (up - down) / (2 * step), accuracy: 1e-3, "dlogit[\(index)]")
        }
    }
}
