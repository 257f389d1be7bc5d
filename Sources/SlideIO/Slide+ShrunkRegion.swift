extension Slide {
    /// The region of `level` at (`x`, `y`) (level-0 px) of `width` x `height` pixels of that level,
    /// area-averaged down to `outputWidth` x `outputHeight` (sizes above the region's are clamped
    /// to it). The region is read in bands of about `bandPixels` pixels, so memory stays bounded
    /// however large it is.
    /// - Precondition: at most 4,096 region pixels per output pixel along each side (the sums are
    ///   32-bit); callers read from a pyramid level close to the output's scale.
    /// - Throws: the `SlideError` of a failed region read.
    public func shrunkRegion(level: Int, x: Int, y: Int, width: Int, height: Int,
                             outputWidth: Int, outputHeight: Int, bandPixels: Int = 1 << 22) throws -> RGBImage {
        let targetWidth = min(max(1, outputWidth), width), targetHeight = min(max(1, outputHeight), height)
        precondition(width / targetWidth <= 4096 && height / targetHeight <= 4096, "region too large for its output")
        var averager = AreaAverager(sourceWidth: width, sourceHeight: height, outputWidth: targetWidth, outputHeight: targetHeight)
        let downsample = levels[level].downsample
        let bandRows = max(1, bandPixels / max(1, width))
        var row = 0
        while row < height {
            let rows = min(bandRows, height - row)
            let band = try readRegion(level: level, x: x, y: y + Int((Double(row) * downsample).rounded()), width: width, height: rows)
            averager.add(band, firstRow: row)
            row += rows
        }
        return averager.result()
    }
}
