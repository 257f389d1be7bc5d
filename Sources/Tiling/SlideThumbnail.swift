import Raster
import SlideIO

/// A whole-slide image at low resolution, read block by block so memory stays bounded.
public struct SlideThumbnail: Sendable {
    /// The image.
    public let image: RGBImage
    /// Level-0 px per thumbnail px horizontally (`level-0 width / image width`).
    public let downsampleX: Double
    /// Level-0 px per thumbnail px vertically.
    public let downsampleY: Double

    /// Reads `slide` at `downsample` level-0 px per px through `Slide.thumbnail(width:height:)`:
    /// area-averaged from the smallest pyramid level that is not coarser, read in bands, so a
    /// single-level gigapixel slide is streamed, not loaded.
    /// - Throws: `TilingError.emptySlide`, or whatever the slide's reads throw.
    public init(slide: Slide, downsample: Double) throws {
        let (width0, height0) = slide.dimensions
        guard width0 > 0, height0 > 0 else { throw TilingError.emptySlide(slide: slide.path) }
        let width = max(1, Int((Double(width0) / downsample).rounded()))
        let height = max(1, Int((Double(height0) / downsample).rounded()))
        image = try slide.thumbnail(width: width, height: height)
        downsampleX = Double(width0) / Double(image.width)
        downsampleY = Double(height0) / Double(image.height)
    }
}
