/// Which tiles to show as examples: the highest- and lowest-attention tiles, and their file
/// names in CLAM's layout.
public enum AttentionRanking {
    /// Indices of the `k` highest scores, highest first; ties keep input order. Fewer when there
    /// are fewer scores. O(N log N).
    public static func top(_ k: Int, of scores: [Float]) -> [Int] {
        Array(scores.indices.sorted { scores[$0] > scores[$1] || (scores[$0] == scores[$1] && $0 < $1) }.prefix(max(0, k)))
    }

    /// Indices of the `k` lowest scores, lowest first; ties keep input order. O(N log N).
    public static func bottom(_ k: Int, of scores: [Float]) -> [Int] {
        Array(scores.indices.sorted { scores[$0] < scores[$1] || (scores[$0] == scores[$1] && $0 < $1) }.prefix(max(0, k)))
    }

    /// CLAM's sample-tile name `<rank>_<slide_id>_x_<x>_y_<y>_a_<score>.png`: `rank` from 0,
    /// (`x`, `y`) the level-0 top-left corner, the score with three decimals.
    public static func clamTileName(rank: Int, slideID: String, x: Int, y: Int, score: Float) -> String {
        "\(rank)_\(slideID)_x_\(x)_y_\(y)_a_\(formatted(score, decimals: 3)).png"
    }

    /// `value` with exactly `decimals` digits after the point, rounded half away from zero
    /// (no Foundation formatting, so output is identical on every platform).
    public static func formatted(_ value: Float, decimals: Int) -> String {
        var factor = 1.0
        for _ in 0..<decimals { factor *= 10 }
        let scaled = (Double(value) * factor).rounded()
        let negative = scaled < 0
        let digits = String(Int(abs(scaled)))
        let padded = String(repeating: "0", count: max(0, decimals + 1 - digits.count)) + digits
        let whole = padded.dropLast(decimals), fraction = padded.suffix(decimals)
        return (negative ? "-" : "") + whole + (decimals > 0 ? "." + fraction : "")
    }
}
