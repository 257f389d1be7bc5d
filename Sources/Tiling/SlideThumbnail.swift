import SlideIO

/// A whole-slide image at low resolution, read block by block so memory stays bounded.
public struct SlideThumbnail: Sendable {
    /// The image.
    public let image: RGBImage
    /// Level-0 px per thumbnail px horizontally (`level-0 width / image width`).
    public let downsampleX: Double
    /// Level-0 px per thumbnail px vertically.
    public let downsampleY: Double

    /// Reads `slide` at `downsample` level-0 px per px, from the largest pyramid level that is
    /// not coarser, area-averaging down when no level matches. Reads source blocks of at most
    /// about 2048² px, so a single-level gigapixel slide is streamed, not loaded.
    /// - Throws: `TilingError.emptySlide`, or whatever the slide's reads throw.
    public init(slide: Slide, downsample: Double) throws {
        let (width0, height0) = slide.dimensions
        guard width0 > 0, height0 > 0 else { throw TilingError.emptySlide(slide: slide.path) }
        let width = max(1, Int((Double(width0) / downsample).rounded()))
        let height = max(1, Int((Double(height0) / downsample).rounded()))
        let levelIndex = slide.bestLevel(forDownsample: downsample)
        let level = slide.levels[levelIndex]
        let columns = ResamplingAxis(sourceCount: level.width, outputCount: width)
        let rows = ResamplingAxis(sourceCount: level.height, outputCount: height)
        let scale = max(Double(level.width) / Double(width), Double(level.height) / Double(height), 1)
        let block = max(8, Int(2048 / scale.rounded(.up)))
        var image = RGBImage(width: width, height: height, pixels: [UInt8](repeating: 255, count: width * height * 3))
        for top in stride(from: 0, to: height, by: block) {
            let outputRows = top..<min(top + block, height)
            let rowSpan = rows.sourceSpan(of: outputRows)
            for left in stride(from: 0, to: width, by: block) {
                let outputColumns = left..<min(left + block, width)
                let columnSpan = columns.sourceSpan(of: outputColumns)
                let region = try slide.readRegion(
                    level: levelIndex,
                    x: Int((Double(columnSpan.lowerBound) * level.downsample).rounded()),
                    y: Int((Double(rowSpan.lowerBound) * level.downsample).rounded()),
                    width: columnSpan.count, height: rowSpan.count)
                ImageResampler.resample(region, originX: columnSpan.lowerBound, originY: rowSpan.lowerBound,
                                        columns: columns, rows: rows, outputColumns: outputColumns, outputRows: outputRows,
                                        into: &image)
            }
        }
        self.image = image
        self.downsampleX = Double(width0) / Double(width)
        self.downsampleY = Double(height0) / Double(height)
    }
}
