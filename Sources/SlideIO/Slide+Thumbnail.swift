import Raster

extension Slide {
    /// The size a thumbnail of at most `maximumSide` pixels per side has: the slide's aspect
    /// ratio, the longer side equal to `maximumSide` (or the level-0 size if smaller).
    public func thumbnailSize(maximumSide: Int) -> (width: Int, height: Int) {
        let (width, height) = dimensions
        let scale = min(1, Double(max(1, maximumSide)) / Double(max(width, height)))
        return (max(1, Int((Double(width) * scale).rounded())), max(1, Int((Double(height) * scale).rounded())))
    }

    /// A whole-slide picture at most `maximumSide` pixels per side (see `thumbnail(width:height:bandPixels:)`).
    /// - Throws: the `SlideError` of a failed region read.
    public func thumbnail(maximumSide: Int, bandPixels: Int = 1 << 22) throws -> RGBImage {
        let target = thumbnailSize(maximumSide: maximumSide)
        return try thumbnail(width: target.width, height: target.height, bandPixels: bandPixels)
    }

    /// The whole slide at `width` x `height` pixels, resized by `ImageResampler` (area average
    /// with fractional coverage) from the smallest pyramid level that is still at least that
    /// large, so level 0 of a pyramidal slide is never touched. The chosen level is read in bands
    /// of about `bandPixels` pixels, so even a single-level gigapixel slide is never decoded
    /// whole. Sizes above that level's are clamped to it.
    /// - Throws: the `SlideError` of a failed region read.
    public func thumbnail(width: Int, height: Int, bandPixels: Int = 1 << 22) throws -> RGBImage {
        var chosen = 0
        for (index, level) in levels.enumerated()
        where level.width >= width && level.height >= height && level.downsample > levels[chosen].downsample {
            chosen = index
        }
        let level = levels[chosen]
        return try ImageResampler.resize(sourceWidth: level.width, sourceHeight: level.height,
                                         width: min(max(1, width), level.width), height: min(max(1, height), level.height),
                                         bandRows: max(1, bandPixels / max(1, level.width))) { row, rows in
            let y0 = Int((Double(row) * level.downsample).rounded())
            return try readRegion(level: chosen, x: 0, y: y0, width: level.width, height: rows)
        }
    }
}
