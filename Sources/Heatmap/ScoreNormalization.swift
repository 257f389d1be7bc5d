/// How raw attention scores become the `0...1` values a colormap shows.
///
/// Raw attention is only comparable within one slide and is often dominated by a few tiles, so
/// heatmaps show ranks (CLAM's default) unless the raw spread itself matters.
public enum ScoreNormalization: String, CaseIterable, Sendable {
    /// Rank percentile as CLAM computes it: `rank / N`, where tied scores share the average of
    /// their ranks (1-based). The highest score maps to 1; a single tile maps to 1; N equal scores
    /// all map to `(N + 1) / (2N)`.
    case percentile
    /// `(score - min) / (max - min)`. When every score is equal there is no spread to show and
    /// every tile maps to 0.5, the middle of the colormap.
    case minMax = "minmax"

    /// The normalised value of every score, in input order, each in `0...1`.
    /// - Precondition: every score is finite (callers reject NaN with a clear error first).
    /// - Complexity: O(N log N) for `.percentile` (one sort), O(N) for `.minMax`.
    public func normalize(_ scores: [Float]) -> [Double] {
        switch self {
        case .percentile: return Self.percentiles(scores).map { $0 / 100 }
        case .minMax: return Self.minMax(scores)
        }
    }

    /// Rank percentiles in `0...100` (see `.percentile`), the numbers CLAM writes and QuPath shows.
    /// - Complexity: O(N log N).
    public static func percentiles(_ scores: [Float]) -> [Double] {
        precondition(scores.allSatisfy(\.isFinite), "attention scores must be finite")
        let order = scores.indices.sorted { scores[$0] < scores[$1] }
        var result = [Double](repeating: 0, count: scores.count)
        var start = 0
        while start < order.count {
            var end = start + 1
            while end < order.count, scores[order[end]] == scores[order[start]] { end += 1 }
            // Ranks start..<end (0-based) share the average 1-based rank.
            let averageRank = Double(start + end + 1) / 2
            for position in start..<end { result[order[position]] = averageRank / Double(scores.count) * 100 }
            start = end
        }
        return result
    }

    private static func minMax(_ scores: [Float]) -> [Double] {
        precondition(scores.allSatisfy(\.isFinite), "attention scores must be finite")
        guard let low = scores.min(), let high = scores.max() else { return [] }
        guard high > low else { return [Double](repeating: 0.5, count: scores.count) }
        let range = Double(high) - Double(low)
        return scores.map { (Double($0) - Double(low)) / range }
    }
}
