extension GrayImage {
    /// Median filter over a `kernel` x `kernel` square, borders replicated (as OpenCV's
    /// `medianBlur`). Removes salt-and-pepper specks (dust, debris) before thresholding.
    ///
    /// Slides a 256-bin histogram along each row and moves the median by the few bins it shifts
    /// per step: O(width * height * kernel).
    /// - Precondition: `kernel` is odd and positive; 1 returns the image unchanged.
    public func medianBlurred(kernel: Int) -> GrayImage {
        precondition(kernel > 0 && kernel % 2 == 1, "median kernel \(kernel) must be odd and positive")
        guard kernel > 1, width > 0, height > 0 else { return self }
        let radius = kernel / 2
        let half = (kernel * kernel) / 2
        var out = [UInt8](repeating: 0, count: pixels.count)
        let w = width, h = height
        var histogram = [Int32](repeating: 0, count: 256)
        var rows = [Int](repeating: 0, count: kernel)
        pixels.withUnsafeBufferPointer { src in
            out.withUnsafeMutableBufferPointer { dst in
                histogram.withUnsafeMutableBufferPointer { hist in
                    rows.withUnsafeMutableBufferPointer { rows in
                        for y in 0..<h {
                            for i in 0..<kernel { rows[i] = min(max(y + i - radius, 0), h - 1) * w }
                            for i in 0..<256 { hist[i] = 0 }
                            for dx in -radius...radius {
                                let column = min(max(dx, 0), w - 1)
                                for row in rows { hist[Int(src[row + column])] += 1 }
                            }
                            // Invariant after adjusting: below <= half < below + hist[median].
                            var median = 0
                            var below = 0
                            for x in 0..<w {
                                while below > half {
                                    median -= 1
                                    below -= Int(hist[median])
                                }
                                while below + Int(hist[median]) <= half {
                                    below += Int(hist[median])
                                    median += 1
                                }
                                dst[y * w + x] = UInt8(median)
                                guard x + 1 < w else { break }
                                let leaving = min(max(x - radius, 0), w - 1)
                                let entering = min(x + 1 + radius, w - 1)
                                for row in rows {
                                    let old = Int(src[row + leaving]), new = Int(src[row + entering])
                                    hist[old] &-= 1
                                    if old < median { below -= 1 }
                                    hist[new] &+= 1
                                    if new < median { below += 1 }
                                }
                            }
                        }
                    }
                }
            }
        }
        return GrayImage(width: w, height: h, pixels: out)
    }
}
