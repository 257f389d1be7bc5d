extension BinaryMask {
    /// Dilation by a `kernel` x `kernel` square anchored at (`kernel / 2`, `kernel / 2`), as
    /// OpenCV's `dilate` with `np.ones((k, k))`; pixels outside the mask do not contribute.
    /// Separable, O(width * height * kernel).
    public func dilated(kernel: Int) -> BinaryMask {
        morphed(kernel: kernel, reflect: false, combine: { $0 | $1 }, identity: 0)
    }

    /// Erosion by the same square (the anchor mirrored, so that erosion undoes dilation of a
    /// single square); pixels outside the mask do not contribute.
    public func eroded(kernel: Int) -> BinaryMask {
        morphed(kernel: kernel, reflect: true, combine: { $0 & $1 }, identity: 1)
    }

    /// Closing (dilation then erosion): bridges gaps narrower than `kernel` px between tissue
    /// fragments without growing the outline. `kernel <= 1` returns the mask unchanged.
    public func closed(kernel: Int) -> BinaryMask {
        guard kernel > 1 else { return self }
        return dilated(kernel: kernel).eroded(kernel: kernel)
    }

    private func morphed(kernel: Int, reflect: Bool, combine: (UInt8, UInt8) -> UInt8, identity: UInt8) -> BinaryMask {
        precondition(kernel > 0, "morphology kernel \(kernel) must be positive")
        guard kernel > 1, width > 0, height > 0 else { return self }
        let anchor = kernel / 2
        // Offsets of the source pixels that reach the output pixel.
        let offsets = (0..<kernel).map { reflect ? $0 - (kernel - 1 - anchor) : $0 - anchor }
        var horizontal = [UInt8](repeating: identity, count: bits.count)
        for y in 0..<height {
            let row = y * width
            for x in 0..<width {
                var value = identity
                for dx in offsets {
                    let sx = x + dx
                    if sx >= 0 && sx < width { value = combine(value, bits[row + sx]) }
                }
                horizontal[row + x] = value
            }
        }
        var out = [UInt8](repeating: identity, count: bits.count)
        for y in 0..<height {
            for x in 0..<width {
                var value = identity
                for dy in offsets {
                    let sy = y + dy
                    if sy >= 0 && sy < height { value = combine(value, horizontal[sy * width + x]) }
                }
                out[y * width + x] = value
            }
        }
        return BinaryMask(width: width, height: height, bits: out)
    }
}
