/// Resizes a grid of position embeddings the way timm's `resample_abs_pos_embed` does for
/// `dynamic_img_size`: PyTorch's `F.interpolate(mode='bicubic', antialias=True,
/// align_corners=False)` applied separably to each channel.
///
/// PyTorch's antialiased path uses Keys' cubic with a = −0.5 (not the −0.75 of its plain bicubic
/// mode); a tap at output i is centred on `(i + 0.5) · in/out`, the kernel is widened by in/out
/// when shrinking, taps outside the input are dropped and the remaining weights renormalised.
public enum PositionEmbeddingResampler {
    /// Taps and weights of one axis: for each output index, the first input index and the
    /// normalised weights of consecutive inputs.
    struct AxisWeights {
        let starts: [Int]
        let weights: [[Double]]

        init(inputSize: Int, outputSize: Int) {
            let scale = Double(inputSize) / Double(outputSize)
            let support = scale >= 1 ? 2 * scale : 2
            let inverse = scale >= 1 ? 1 / scale : 1
            var starts: [Int] = [], weights: [[Double]] = []
            for index in 0..<outputSize {
                let centre = scale * (Double(index) + 0.5)
                // PyTorch truncates toward zero before clamping to the input.
                let first = max(Int(centre - support + 0.5), 0)
                let end = min(Int(centre + support + 0.5), inputSize)
                var taps = (first..<max(first, end)).map { Self.cubic((Double($0) - centre + 0.5) * inverse) }
                let total = taps.reduce(0, +)
                if total != 0 { taps = taps.map { $0 / total } }
                starts.append(first)
                weights.append(taps)
            }
            self.starts = starts
            self.weights = weights
        }

        /// Keys' cubic convolution kernel with a = −0.5.
        static func cubic(_ value: Double) -> Double {
            let a = -0.5, x = abs(value)
            if x < 1 { return ((a + 2) * x - (a + 3)) * x * x + 1 }
            if x < 2 { return (((x - 5) * x + 8) * x - 4) * a }
            return 0
        }
    }

    /// The `[height·width, channels]` token grid (row-major, channels last) resized to
    /// `[newHeight·newWidth, channels]`.
    public static func resample(_ grid: [Float], height: Int, width: Int, channels: Int,
                                newHeight: Int, newWidth: Int) -> [Float] {
        precondition(grid.count == height * width * channels, "grid of \(grid.count) values is not \(height)x\(width)x\(channels)")
        if height == newHeight && width == newWidth { return grid }
        let rows = AxisWeights(inputSize: height, outputSize: newHeight)
        let columns = AxisWeights(inputSize: width, outputSize: newWidth)
        // Horizontal pass first, then vertical, both in double precision.
        var horizontal = [Double](repeating: 0, count: height * newWidth * channels)
        for y in 0..<height {
            for x in 0..<newWidth {
                let target = (y * newWidth + x) * channels
                for (tap, weight) in columns.weights[x].enumerated() {
                    let source = (y * width + columns.starts[x] + tap) * channels
                    for channel in 0..<channels { horizontal[target + channel] += weight * Double(grid[source + channel]) }
                }
            }
        }
        var output = [Float](repeating: 0, count: newHeight * newWidth * channels)
        var accumulator = [Double](repeating: 0, count: channels)
        for y in 0..<newHeight {
            for x in 0..<newWidth {
                for channel in 0..<channels { accumulator[channel] = 0 }
                for (tap, weight) in rows.weights[y].enumerated() {
                    let source = ((rows.starts[y] + tap) * newWidth + x) * channels
                    for channel in 0..<channels { accumulator[channel] += weight * horizontal[source + channel] }
                }
                let target = (y * newWidth + x) * channels
                for channel in 0..<channels { output[target + channel] = Float(accumulator[channel]) }
            }
        }
        return output
    }
}
