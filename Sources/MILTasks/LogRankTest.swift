import Foundation

/// The two-group log-rank (Mantel–Cox) test of equal survival functions.
public enum LogRankTest {
    /// The test's statistic and two-sided p-value.
    public struct Result: Equatable, Sendable, Codable {
        /// χ² = (O₁ − E₁)² / V with one degree of freedom.
        public let chiSquare: Double
        /// P(χ²₁ ≥ statistic) = erfc(√(χ²/2)).
        public let pValue: Double
        /// Observed and expected events in the first group.
        public let observedFirst: Double
        public let expectedFirst: Double
    }

    /// Compares the outcomes of `first` and `second`. At every distinct event time t over both
    /// groups, with n at risk (n₁ in group 1) and d events: E₁ += d·n₁/n, V += d·(n₁/n)·(1 − n₁/n)·
    /// (n − d)/(n − 1) (hypergeometric variance, as lifelines' `logrank_test`).
    /// - Returns: `nil` when the variance is zero (no event, or one group empty).
    public static func compare(_ first: [SurvivalOutcome], _ second: [SurvivalOutcome]) -> Result? {
        let all = first + second
        let times = Set(all.filter(\.event).map(\.time)).sorted()
        var observed = 0.0, expected = 0.0, variance = 0.0
        for t in times {
            let n1 = Double(first.filter { $0.time >= t }.count)
            let n = Double(all.filter { $0.time >= t }.count)
            let d1 = Double(first.filter { $0.time == t && $0.event }.count)
            let d = Double(all.filter { $0.time == t && $0.event }.count)
            observed += d1
            expected += d * n1 / n
            if n > 1 { variance += d * (n1 / n) * (1 - n1 / n) * (n - d) / (n - 1) }
        }
        guard variance > 0 else { return nil }
        let chiSquare = (observed - expected) * (observed - expected) / variance
        return Result(chiSquare: chiSquare, pValue: erfc((chiSquare / 2).squareRoot()), observedFirst: observed, expectedFirst: expected)
    }
}
