import Foundation
import Heatmap
import Raster
import RunSupport
import SlideIO
import Tiling

/// A tile beside its stain-normalised self: the picture `slidemil stain` writes so a user can see
/// what `--stain-normalization` will do to their tiles before extracting features.
public struct StainComparison: Sendable {
    /// The tile on the left, the normalised tile on the right (twice the tile's width).
    public let image: RGBImage
    /// Whether the method was ill-posed on the tile (Macenko with almost no stain, Reinhard with a
    /// constant channel), so the right half is the tile unchanged, as extraction would pass it on.
    public let passedThrough: Bool

    /// `tile` and `normalization.normalize(tile)` (or `tile`, where that is nil) side by side.
    public init(tile: RGBImage, normalization: StainNormalization) {
        let normalized = normalization.normalize(tile)
        let right = normalized ?? tile
        let row = tile.width * 3
        var pixels = [UInt8]()
        pixels.reserveCapacity(2 * row * tile.height)
        for y in 0..<tile.height {
            pixels += tile.pixels[(y * row)..<((y + 1) * row)]
            pixels += right.pixels[(y * row)..<((y + 1) * row)]
        }
        image = RGBImage(width: 2 * tile.width, height: tile.height, pixels: pixels)
        passedThrough = normalized == nil
    }

    /// Reads the PNG tile at `tilePath`, fits `method` as `--stain-normalization` does (to the PNG
    /// at `referencePath`, or Macenko's standard reference when it is nil), and writes the
    /// comparison to `output` atomically.
    /// - Throws: `HeatmapError` for an unreadable PNG, `StainNormalizationError` for an unknown
    ///   method or an unusable reference, each naming its file; `StoreError` when writing fails.
    @discardableResult
    public static func write(tilePath: String, method: String, referencePath: String?, to output: URL) throws -> StainComparison {
        let normalization = try StainNormalization.fitted(method: method, referencePath: referencePath)
        let tile = try PNGCodec.decode(contentsOf: URL(fileURLWithPath: tilePath))
        let comparison = StainComparison(tile: tile,
                                         normalization: normalization)
        try OutputFiles.writePNG(comparison.image, to: output)
        return comparison
    }
}
