import Heatmap
import SlideIO

extension RasterImage {
    /// The same pixels as an RGB `RasterImage` (SlideIO's images and the Heatmap module's share
    /// one interleaved 8-bit RGB layout, so this is a copy, not a conversion).
    init(_ image: RGBImage) {
        self.init(width: image.width, height: image.height, format: .rgb, pixels: image.pixels)
    }
}
