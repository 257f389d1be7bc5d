import Heatmap
import XCTest

final class AttentionRankingTests: XCTestCase {
    func testTopAndBottomOrderAndTies() {
        let scores: [Float] = [0.2, 0.9, 0.1, 0.9, 0.5, 0.1]
        XCTAssertEqual(AttentionRanking.top(3, of: scores), [1, 3, 4])
        XCTAssertEqual(AttentionRanking.bottom(3, of: scores), [2, 5, 0])
        XCTAssertEqual(AttentionRanking.top(10, of: scores).count, 6)
        XCTAssertEqual(AttentionRanking.top(0, of: scores), [])
        XCTAssertEqual(AttentionRanking.bottom(2, of: []), [])
    }

    func testCLAMTileNames() {
        XCTAssertEqual(AttentionRanking.clamTileName(rank: 0, slideID: "tumor_001", x: 1024, y: 2048, score: 0.98765),
                       "0_tumor_001_x_1024_y_2048_a_0.988.png")
        XCTAssertEqual(AttentionRanking.clamTileName(rank: 12, slideID: "s", x: 0, y: 7, score: 12.5),
                       "12_s_x_0_y_7_a_12.500.png")
    }

    func testFormattingMatchesPythonFormat() {
        // Python: '{:.3f}'.format(v)
        XCTAssertEqual(AttentionRanking.formatted(0.0004, decimals: 3), "0.000")
        XCTAssertEqual(AttentionRanking.formatted(0.05, decimals: 3), "0.050")
        XCTAssertEqual(AttentionRanking.formatted(-1.26, decimals: 1), "-1.3")
        XCTAssertEqual(AttentionRanking.formatted(-0.02, decimals: 3), "-0.020")
        XCTAssertEqual(AttentionRanking.formatted(3, decimals: 0), "3")
    }
}
