extension GrayImage {
    /// Exactly `medianBlurred(kernel:).mask(above: threshold)`, in O(width * height) whatever
    /// the kernel: the median of the `kernel²` window exceeds `threshold` exactly when more than
    /// half of the window does, so counting window pixels above the threshold (running box sums,
    /// borders replicated as in the median) replaces sorting.
    public func medianBlurredMask(kernel: Int, above threshold: UInt8) -> BinaryMask {
        precondition(kernel > 0 && kernel % 2 == 1, "median kernel \(kernel) must be odd and positive")
        guard width > 0, height > 0 else { return BinaryMask(width: width, height: height) }
        let radius = kernel / 2
        let half = Int32((kernel * kernel) / 2)
        let w = width, h = height
        // Horizontal window counts of pixels above the threshold, per pixel.
        var rowCounts = [Int32](repeating: 0, count: w * h)
        var out = [UInt8](repeating: 0, count: w * h)
        pixels.withUnsafeBufferPointer { src in
            rowCounts.withUnsafeMutableBufferPointer { counts in
                for y in 0..<h {
                    let base = y * w
                    var count: Int32 = 0
                    for dx in -radius...radius where src[base + min(max(dx, 0), w - 1)] > threshold { count += 1 }
                    for x in 0..<w {
                        counts[base + x] = count
                        guard x + 1 < w else { break }
                        if src[base + min(max(x - radius, 0), w - 1)] > threshold { count -= 1 }
                        if src[base + min(x + 1 + radius, w - 1)] > threshold { count += 1 }
                    }
                }
            }
            // Vertical sums of the horizontal counts, row by row in memory order.
            var window = [Int32](repeating: 0, count: w)
            rowCounts.withUnsafeBufferPointer { counts in
                window.withUnsafeMutableBufferPointer { window in
                    out.withUnsafeMutableBufferPointer { dst in
                        for dy in -radius...radius {
                            let row = min(max(dy, 0), h - 1) * w
                            for x in 0..<w { window[x] &+= counts[row + x] }
                        }
                        for y in 0..<h {
                            let base = y * w
                            for x in 0..<w { dst[base + x] = window[x] > half ? 1 : 0 }
                            guard y + 1 < h else { break }
                            let leaving = min(max(y - radius, 0), h - 1) * w
                            let entering = min(y + 1 + radius, h - 1) * w
                            for x in 0..<w { window[x] = window[x] &- counts[leaving + x] &+ counts[entering + x] }
                        }
                    }
                }
            }
        }
        return BinaryMask(width: w, height: h, bits: out)
    }
}
