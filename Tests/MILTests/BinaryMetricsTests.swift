import MIL
import XCTest

final class BinaryMetricsTests: XCTestCase {
    func testAUCOfPerfectInvertedAndRandomScorers() {
        let labels = [false, false, true, true]
        XCTAssertEqual(BinaryMetrics.rocAUC(scores: [0.1, 0.2, 0.8, 0.9], labels: labels), 1)
        XCTAssertEqual(BinaryMetrics.rocAUC(scores: [0.9, 0.8, 0.2, 0.1], labels: labels), 0)
        XCTAssertEqual(BinaryMetrics.rocAUC(scores: [0.5, 0.5, 0.5, 0.5], labels: labels), 0.5)
    }

    /// Worked by hand: positives {0.8, 0.4, 0.35}, negatives {0.7, 0.4, 0.1}.
    /// Pairs (pos > neg): 0.8 beats all 3; 0.4 beats 0.1 and ties 0.4 (0.5); 0.35 beats 0.1.
    /// U = 3 + 1.5 + 1 = 5.5 of 9 pairs.
    func testAUCWithTiesMatchesPairCounting() throws {
        let scores = [0.8, 0.7, 0.4, 0.4, 0.35, 0.1]
        let labels = [true, false, true, false, true, false]
        XCTAssertEqual(try XCTUnwrap(BinaryMetrics.rocAUC(scores: scores, labels: labels)), 5.5 / 9, accuracy: 1e-12)
    }

    func testAUCAgreesWithBruteForceOnRandomData() throws {
        var generator = SystemRandomNumberGenerator()
        for _ in 0..<20 {
            let count = Int.random(in: 2...60, using: &generator)
            // Coarse scores force many ties.
            let scores = (0..<count).map { _ in Double(Int.random(in: 0...5, using: &generator)) / 5 }
            var labels = (0..<count).map { _ in Bool.random(using: &generator) }
            labels[0] = true
            labels[1] = false
            var wins = 0.0
            for i in 0..<count where labels[i] {
                for j in 0..<count where !labels[j] {
                    wins += scores[i] > scores[j] ? 1 : (scores[i] == scores[j] ? 0.5 : 0)
                }
            }
            let pairs = Double(labels.filter { $0 }.count * labels.filter { !$0 }.count)
            XCTAssertEqual(try XCTUnwrap(BinaryMetrics.rocAUC(scores: scores, labels: labels)), wins / pairs, accuracy: 1e-12)
        }
    }

    func testAUCIsUndefinedWithOneClass() {
        XCTAssertNil(BinaryMetrics.rocAUC(scores: [0.1, 0.9], labels: [true, true]))
        XCTAssertNil(BinaryMetrics.rocAUC(scores: [], labels: []))
    }

    func testConfusionMatrixAndDerivedRates() throws {
        let matrix = ConfusionMatrix(
            predicted: [true, true, false, false, true, false, false],
            actual: [true, false, false, true, true, false, false]
        )
        XCTAssertEqual(matrix, ConfusionMatrix(truePositives: 2, falsePositives: 1, trueNegatives: 3, falseNegatives: 1))
        XCTAssertEqual(try XCTUnwrap(matrix.accuracy), 5.0 / 7, accuracy: 1e-12)
        XCTAssertEqual(try XCTUnwrap(matrix.balancedAccuracy), (2.0 / 3 + 3.0 / 4) / 2, accuracy: 1e-12)
        XCTAssertNil(ConfusionMatrix().accuracy)
        XCTAssertEqual(ConfusionMatrix(predicted: [true, false], actual: [true, true]).balancedAccuracy, 0.5)
    }

    func testMajorityClassAccuracy() {
        XCTAssertEqual(BinaryMetrics.majorityClassAccuracy(labels: [true, false, false, false]), 0.75)
        XCTAssertNil(BinaryMetrics.majorityClassAccuracy(labels: []))
    }
}
