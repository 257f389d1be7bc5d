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
        var out = [UInt8](repeating: 0, count: pixels.count)
        out.withUnsafeMutableBufferPointer { dst in
            medianRows(kernel: kernel, rows: Swift.stride(from: 0, to: height, by: 1)) { y, row in
                for x in 0..<width { dst[y * width + x] = row[x] }
            }
        }
        return GrayImage(width: width, height: height, pixels: out)
    }

    /// The 256-bin histogram of the median-blurred image over every `rowStep`-th row only: an
    /// unbiased sample of `medianBlurred(kernel:).histogram` at 1/`rowStep` of the cost, enough
    /// for a global threshold such as Otsu's.
    public func medianBlurredHistogram(kernel: Int, rowStep: Int) -> [Int] {
        precondition(kernel > 0 && kernel % 2 == 1 && rowStep > 0, "median kernel must be odd, row step positive")
        var counts = [Int](repeating: 0, count: 256)
        guard kernel > 1 else {
            for y in Swift.stride(from: rowStep / 2, to: height, by: rowStep) {
                for x in 0..<width { counts[Int(pixels[y * width + x])] += 1 }
            }
            return counts
        }
        medianRows(kernel: kernel, rows: Swift.stride(from: rowStep / 2, to: height, by: rowStep)) { _, row in
            for value in row { counts[Int(value)] += 1 }
        }
        return counts
    }

    /// Runs the sliding-histogram median over output rows `rows`, handing each finished row to `sink`.
    private func medianRows(kernel: Int, rows outputRows: StrideTo<Int>, sink: (Int, UnsafeBufferPointer<UInt8>) -> Void) {
        let radius = kernel / 2
        let half = (kernel * kernel) / 2
        let w = width, h = height
        var line = [UInt8](repeating: 0, count: w)
        var histogram = [Int32](repeating: 0, count: 256)
        var rows = [Int](repeating: 0, count: kernel)
        pixels.withUnsafeBufferPointer { src in
            line.withUnsafeMutableBufferPointer { dst in
                histogram.withUnsafeMutableBufferPointer { hist in
                    rows.withUnsafeMutableBufferPointer { rows in
                        for y in outputRows {
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
                                dst[x] = UInt8(median)
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
                            sink(y, UnsafeBufferPointer(dst))
                        }
                    }
                }
            }
        }
    }
}
