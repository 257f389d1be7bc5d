/// Source taps and weights that produce each output position along one axis of a resize.
///
/// Downscaling averages areas: output pixel `i` covers source interval `[i * s, (i + 1) * s)`
/// with `s = sourceCount / outputCount`, and each source pixel weighs by the part of it inside
/// that interval (exact box filter, no aliasing). Upscaling interpolates bilinearly between
/// pixel centres (`(i + 0.5) * s - 0.5`), edges clamped. Equal sizes copy.
struct ResamplingAxis: Sendable {
    /// For output `i`: taps `firstTap[i] ..< firstTap[i + 1]` in `sources` / `weights`.
    let firstTap: [Int]
    let sources: [Int]
    let weights: [Float]

    init(sourceCount: Int, outputCount: Int) {
        precondition(sourceCount > 0 && outputCount > 0, "resize from \(sourceCount) to \(outputCount) px")
        var firstTap = [0]
        var sources: [Int] = []
        var weights: [Float] = []
        let scale = Double(sourceCount) / Double(outputCount)
        for output in 0..<outputCount {
            if scale > 1 {
                let start = Double(output) * scale
                let end = min(Double(output + 1) * scale, Double(sourceCount))
                var source = Int(start)
                while Double(source) < end {
                    let covered = min(end, Double(source + 1)) - max(start, Double(source))
                    if covered > 1e-9 {
                        sources.append(source)
                        weights.append(Float(covered / (end - start)))
                    }
                    source += 1
                }
            } else {
                let centre = min(max((Double(output) + 0.5) * scale - 0.5, 0), Double(sourceCount - 1))
                let left = Int(centre)
                let fraction = centre - Double(left)
                sources.append(left)
                weights.append(Float(1 - fraction))
                if fraction > 1e-9 && left + 1 < sourceCount {
                    sources.append(left + 1)
                    weights.append(Float(fraction))
                }
            }
            firstTap.append(sources.count)
        }
        self.firstTap = firstTap
        self.sources = sources
        self.weights = weights
    }

    /// Smallest and largest source index used by outputs `range`.
    func sourceSpan(of range: Range<Int>) -> ClosedRange<Int> {
        let taps = sources[firstTap[range.lowerBound]..<firstTap[range.upperBound]]
        return taps.min()!...taps.max()!
    }
}
