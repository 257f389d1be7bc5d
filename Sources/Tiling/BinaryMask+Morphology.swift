extension BinaryMask {
    /// Dilation by a `kernel` x `kernel` square anchored at (`kernel / 2`, `kernel / 2`), as
    /// OpenCV's `dilate` with `np.ones((k, k))`; pixels outside the mask do not contribute.
    /// Separable with running window sums, O(width * height) whatever the kernel.
    public func dilated(kernel: Int) -> BinaryMask {
        morphed(kernel: kernel, erode: false)
    }

    /// Erosion by the same square with the anchor mirrored, so that erosion exactly undoes the
    /// dilation of a lone square and closing with an even kernel does not shift the outline
    /// (OpenCV's closing with an even kernel shifts by one pixel). Pixels outside the mask do not
    /// contribute, so shapes within `kernel / 2` px of the border stay attached to it.
    public func eroded(kernel: Int) -> BinaryMask {
        morphed(kernel: kernel, erode: true)
    }

    /// Closing (dilation then erosion): bridges gaps narrower than `kernel` px between tissue
    /// fragments without growing the outline. `kernel <= 1` returns the mask unchanged.
    public func closed(kernel: Int) -> BinaryMask {
        guard kernel > 1 else { return self }
        return dilated(kernel: kernel).eroded(kernel: kernel)
    }

    private func morphed(kernel: Int, erode: Bool) -> BinaryMask {
        precondition(kernel > 0, "morphology kernel \(kernel) must be positive")
        guard kernel > 1, width > 0, height > 0 else { return self }
        let anchor = kernel / 2
        // The window of source offsets reaching an output pixel: [low, high].
        let low = erode ? -(kernel - 1 - anchor) : -anchor
        let high = low + kernel - 1
        let once = Self.horizontalPass(bits, width: width, height: height, low: low, high: high, erode: erode)
        let twice = Self.verticalPass(once, width: width, height: height, low: low, high: high, erode: erode)
        return BinaryMask(width: width, height: height, bits: twice)
    }

    /// Window test along rows, with a prefix sum per row.
    private static func horizontalPass(_ source: [UInt8], width: Int, height: Int, low: Int, high: Int, erode: Bool) -> [UInt8] {
        var out = [UInt8](repeating: 0, count: source.count)
        var prefix = [Int32](repeating: 0, count: width + 1)
        source.withUnsafeBufferPointer { src in
            out.withUnsafeMutableBufferPointer { dst in
                prefix.withUnsafeMutableBufferPointer { prefix in
                    for y in 0..<height {
                        let base = y * width
                        for x in 0..<width { prefix[x + 1] = prefix[x] &+ Int32(src[base + x]) }
                        for x in 0..<width {
                            let first = max(x + low, 0), last = min(x + high, width - 1)
                            let set = prefix[last + 1] &- prefix[first]
                            dst[base + x] = (erode ? set == Int32(last - first + 1) : set > 0) ? 1 : 0
                        }
                    }
                }
            }
        }
        return out
    }

    /// Window test along columns, with one running count per column updated row by row, so the
    /// image is walked in memory order.
    private static func verticalPass(_ source: [UInt8], width: Int, height: Int, low: Int, high: Int, erode: Bool) -> [UInt8] {
        var out = [UInt8](repeating: 0, count: source.count)
        var counts = [Int32](repeating: 0, count: width)
        source.withUnsafeBufferPointer { src in
            out.withUnsafeMutableBufferPointer { dst in
                counts.withUnsafeMutableBufferPointer { counts in
                    // Window of output row y: rows [y + low, y + high] within the image.
                    for row in 0..<min(high, height - 1) + 1 where row >= 0 {
                        for x in 0..<width { counts[x] &+= Int32(src[row * width + x]) }
                    }
                    for y in 0..<height {
                        let first = max(y + low, 0), last = min(y + high, height - 1)
                        let full = Int32(last - first + 1)
                        let base = y * width
                        for x in 0..<width {
                            let set = counts[x]
                            dst[base + x] = (erode ? set == full : set > 0) ? 1 : 0
                        }
                        let leaving = y + low, entering = y + 1 + high
                        if leaving >= 0 {
                            for x in 0..<width { counts[x] &-= Int32(src[leaving * width + x]) }
                        }
                        if entering < height {
                            for x in 0..<width { counts[x] &+= Int32(src[entering * width + x]) }
                        }
                    }
                }
            }
        }
        return out
    }
}
