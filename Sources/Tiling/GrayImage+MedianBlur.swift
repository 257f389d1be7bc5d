extension GrayImage {
    /// Median filter over a `kernel` x `kernel` square, borders replicated (as OpenCV's
    /// `medianBlur`). Removes salt-and-pepper specks (dust, debris) before thresholding.
    ///
    /// Uses a sliding 256-bin histogram per row, O(width * height * kernel).
    /// - Precondition: `kernel` is odd and positive; 1 returns the image unchanged.
    public func medianBlurred(kernel: Int) -> GrayImage {
        precondition(kernel > 0 && kernel % 2 == 1, "median kernel \(kernel) must be odd and positive")
        guard kernel > 1, width > 0, height > 0 else { return self }
        let radius = kernel / 2
        let half = (kernel * kernel) / 2
        var out = [UInt8](repeating: 0, count: pixels.count)
        let w = width, h = height
        pixels.withUnsafeBufferPointer { src in
            var histogram = [Int](repeating: 0, count: 256)
            var rows = [Int](repeating: 0, count: kernel)
            for y in 0..<h {
                for i in 0..<kernel { rows[i] = min(max(y + i - radius, 0), h - 1) * w }
                for i in 0..<256 { histogram[i] = 0 }
                // Column window for x = 0 covers x in [-radius, radius], clamped.
                for dx in -radius...radius {
                    let column = min(max(dx, 0), w - 1)
                    for row in rows { histogram[Int(src[row + column])] += 1 }
                }
                for x in 0..<w {
                    var seen = 0
                    var value = 0
                    while true {
                        seen += histogram[value]
                        if seen > half { break }
                        value += 1
                    }
                    out[y * w + x] = UInt8(value)
                    if x + 1 < w {
                        let leaving = min(max(x - radius, 0), w - 1)
                        let entering = min(x + 1 + radius, w - 1)
                        for row in rows {
                            histogram[Int(src[row + leaving])] -= 1
                            histogram[Int(src[row + entering])] += 1
                        }
                    }
                }
            }
        }
        return GrayImage(width: w, height: h, pixels: out)
    }
}
