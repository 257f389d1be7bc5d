import Heatmap
import XCTest

final class ScoreNormalizationTests: XCTestCase {
    func testPercentilesAverageTiedRanks() {
        // Ranks 1, 2.5, 2.5, 4 of 4 (scipy.stats.rankdata 'average' / N × 100).
        XCTAssertEqual(ScoreNormalization.percentiles([1, 2, 2, 3]), [25, 62.5, 62.5, 100])
        let unordered = ScoreNormalization.percentiles([3, 1, 2])
        for (value, expected) in zip(unordered, [100, 100.0 / 3, 200.0 / 3]) {
            XCTAssertEqual(value, expected, accuracy: 1e-9)
        }
    }

    func testSingleTileIsTheHundredthPercentile() {
        XCTAssertEqual(ScoreNormalization.percentiles([0.2]), [100])
        XCTAssertEqual(ScoreNormalization.percentile.normalize([-7]), [1])
    }

    func testAllEqualScoresShareTheMiddleRank() {
        XCTAssertEqual(ScoreNormalization.percentiles([5, 5, 5, 5]), [62.5, 62.5, 62.5, 62.5])
    }

    func testPercentileIsInvariantToMonotoneRescaling() {
        let scores: [Float] = [0.01, 0.5, 0.02, 0.9, 0.3]
        XCTAssertEqual(ScoreNormalization.percentile.normalize(scores),
                       ScoreNormalization.percentile.normalize(scores.map { $0 * $0 * 100 - 3 }))
    }

    func testMinMax() {
        XCTAssertEqual(ScoreNormalization.minMax.normalize([2, 4, 6, 3]), [0, 0.5, 1, 0.25])
        XCTAssertEqual(ScoreNormalization.minMax.normalize([-1, 1]), [0, 1])
    }

    func testMinMaxOfConstantScoresIsTheMiddle() {
        XCTAssertEqual(ScoreNormalization.minMax.normalize([3, 3, 3]), [0.5, 0.5, 0.5])
        XCTAssertEqual(ScoreNormalization.minMax.normalize([]), [])
    }
}
