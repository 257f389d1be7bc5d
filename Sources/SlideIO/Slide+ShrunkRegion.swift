import Raster

extension Slide {
    /// The region of `level` at (`x`, `y`) (level-0 px) of `width` x `height` pixels of that level,
    /// area-averaged down to `outputWidth` x `outputHeight` by `ImageResampler` (sizes above the
    /// region's are clamped to it). The region is read in bands of about `bandPixels` pixels, so
    /// memory stays bounded however large it is.
    /// - Throws: the `SlideError` of a failed region read.
    public func shrunkRegion(level: Int, x: Int, y: Int, width: Int, height: Int,
                             outputWidth: Int, outputHeight: Int, bandPixels: Int = 1 << 22) throws -> RGBImage {
        let targetWidth = min(max(1, outputWidth), width), targetHeight = min(max(1, outputHeight), height)
        let downsample = levels[level].downsample
        return try ImageResampler.resize(sourceWidth: width, sourceHeight: height, width: targetWidth, height: targetHeight,
                                         bandRows: max(1, bandPixels / max(1, width))) { first, count in
            try readRegion(level: level, x: x, y: y + Int((Double(first) * downsample).rounded()), width: width, height: count)
        }
    }
}
