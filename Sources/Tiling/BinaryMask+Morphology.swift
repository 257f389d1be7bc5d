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
        let once = Self.pass(bits, count: width, lines: height, step: 1, lineStride: width, low: low, high: high, erode: erode)
        let twice = Self.pass(once, count: height, lines: width, step: width, lineStride: 1, low: low, high: high, erode: erode)
        return BinaryMask(width: width, height: height, bits: twice)
    }

    /// One 1-D pass along `lines` lines of `count` pixels, `step` apart within a line.
    private static func pass(_ source: [UInt8], count: Int, lines: Int, step: Int, lineStride: Int,
                             low: Int, high: Int, erode: Bool) -> [UInt8] {
        var out = [UInt8](repeating: 0, count: source.count)
        var prefix = [Int32](repeating: 0, count: count + 1)
        source.withUnsafeBufferPointer { src in
            out.withUnsafeMutableBufferPointer { dst in
                prefix.withUnsafeMutableBufferPointer { prefix in
                    for line in 0..<lines {
                        let base = line * lineStride
                        for i in 0..<count { prefix[i + 1] = prefix[i] + Int32(src[base + i * step]) }
                        for i in 0..<count {
                            let first = max(i + low, 0), last = min(i + high, count - 1)
                            let set = prefix[last + 1] - prefix[first]
                            let hit = erode ? set == Int32(last - first + 1) : set > 0
                            dst[base + i * step] = hit ? 1 : 0
                        }
                    }
                }
            }
        }
        return out
    }
}
