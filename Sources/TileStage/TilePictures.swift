import Heatmap
import Raster
import SlideIO
import Tiling

/// The QC pictures of a tiled slide, at the segmentation thumbnail's scale.
public enum TilePictures {
    /// The thumbnail with the outline of every tissue piece and hole drawn in green
    /// (`masks/<slide_id>.png`): the place to check what was segmented.
    public static func maskOverlay(_ segmentation: TissueSegmentation) -> RGBImage {
        let mask = segmentation.mask.mask
        var pixels = segmentation.thumbnail.pixels
        for y in 0..<mask.height {
            for x in 0..<mask.width where mask[x, y] {
                let edge = x == 0 || y == 0 || x == mask.width - 1 || y == mask.height - 1
                    || !mask[x - 1, y] || !mask[x + 1, y] || !mask[x, y - 1] || !mask[x, y + 1]
                guard edge else { continue }
                let offset = (y * mask.width + x) * 3
                pixels[offset] = 0
                pixels[offset + 1] = 200
                pixels[offset + 2] = 0
            }
        }
        return RGBImage(width: mask.width, height: mask.height, pixels: pixels)
    }

    /// The kept tiles pasted from the thumbnail onto black (`stitches/<slide_id>.png`), like
    /// CLAM's stitch: shows at a glance which parts of the slide the tiles cover.
    public static func stitch(_ segmentation: TissueSegmentation, grid: TileGrid) -> RGBImage {
        let thumbnail = segmentation.thumbnail
        let mask = segmentation.mask
        var pixels = [UInt8](repeating: 0, count: thumbnail.pixels.count)
        let side = Double(grid.geometry.footprint)
        for point in grid.coordinates {
            let x0 = Int(Double(point.x) / mask.downsampleX), x1 = min(Int(((Double(point.x) + side) / mask.downsampleX).rounded(.up)), thumbnail.width)
            let y0 = Int(Double(point.y) / mask.downsampleY), y1 = min(Int(((Double(point.y) + side) / mask.downsampleY).rounded(.up)), thumbnail.height)
            guard x0 < x1, y0 < y1 else { continue }
            for y in y0..<y1 {
                let start = (y * thumbnail.width + x0) * 3, end = (y * thumbnail.width + x1) * 3
                pixels.replaceSubrange(start..<end, with: thumbnail.pixels[start..<end])
            }
        }
        return RGBImage(width: thumbnail.width, height: thumbnail.height, pixels: pixels)
    }
}
