/// Otsu's threshold: the cut of a 256-bin histogram that maximises the between-class variance.
public enum OtsuThreshold {
    /// The threshold `t` such that pixels `> t` form one class and `<= t` the other (OpenCV's
    /// convention), or `nil` when the histogram is empty or holds a single value (nothing to split).
    /// When a range of cuts ties (an empty gap between the classes), the middle of the range is
    /// returned rather than its lowest value, which would sit on top of the background mode. O(256).
    public static func threshold(histogram: [Int]) -> UInt8? {
        precondition(histogram.count == 256, "Otsu needs a 256-bin histogram, got \(histogram.count)")
        let total = histogram.reduce(0, +)
        guard total > 0, histogram.filter({ $0 > 0 }).count >= 2 else { return nil }
        let totalSum = histogram.enumerated().reduce(0.0) { $0 + Double($1.offset) * Double($1.element) }
        var backgroundCount = 0.0
        var backgroundSum = 0.0
        var best = -1.0
        var bestFirst = 0
        var bestLast = 0
        for t in 0..<255 {
            backgroundCount += Double(histogram[t])
            backgroundSum += Double(t) * Double(histogram[t])
            let foregroundCount = Double(total) - backgroundCount
            guard backgroundCount > 0, foregroundCount > 0 else { continue }
            let meanBackground = backgroundSum / backgroundCount
            let meanForeground = (totalSum - backgroundSum) / foregroundCount
            let difference = meanBackground - meanForeground
            let variance = backgroundCount * foregroundCount * difference * difference
            if variance > best * (1 + 1e-12) {
                best = variance
                bestFirst = t
                bestLast = t
            } else if variance >= best * (1 - 1e-12) && bestLast == t - 1 {
                bestLast = t
            }
        }
        return UInt8((bestFirst + bestLast) / 2)
    }
}
