import Foundation

/// A Deep Zoom (DZI) tile pyramid over a slide of `width` x `height` level-0 pixels.
///
/// Level `maximumLevel` is level 0 of the slide; each level below halves both sides (rounding
/// up), down to level 0, a single pixel. A level is cut into `tileSize` x `tileSize` tiles from
/// the top-left corner; the tiles of the last column and row are narrower where the level's side
/// is not a multiple of `tileSize`. Each tile also carries `overlap` pixels of its neighbours on
/// the sides that have one, as the DZI format defines it.
public struct DeepZoomPyramid: Equatable, Sendable {
    /// Level-0 width and height of the slide.
    public let width: Int
    public let height: Int
    /// Side of a tile without overlap, in pixels of its level.
    public let tileSize: Int
    /// Pixels shared with each neighbouring tile.
    public let overlap: Int

    /// - Precondition: `width`, `height` and `tileSize` positive, `overlap` non-negative.
    public init(width: Int, height: Int, tileSize: Int = 256, overlap: Int = 0) {
        precondition(width > 0 && height > 0 && tileSize > 0 && overlap >= 0, "invalid Deep Zoom pyramid")
        self.width = width
        self.height = height
        self.tileSize = tileSize
        self.overlap = overlap
    }

    /// The full-resolution level: ceil(log2(max side)), so 0 for a 1 x 1 image.
    public var maximumLevel: Int {
        var level = 0
        while (1 << level) < max(width, height) { level += 1 }
        return level
    }

    /// Number of levels, `maximumLevel + 1`.
    public var levelCount: Int { maximumLevel + 1 }

    /// Level-0 pixels per pixel of `level` (a power of two).
    public func downsample(ofLevel level: Int) -> Int { 1 << (maximumLevel - level) }

    /// Size of `level` in its own pixels: each side divided by the downsample, rounded up.
    public func size(ofLevel level: Int) -> (width: Int, height: Int) {
        let factor = downsample(ofLevel: level)
        return ((width + factor - 1) / factor, (height + factor - 1) / factor)
    }

    /// Columns and rows of tiles at `level`.
    public func tileGrid(ofLevel level: Int) -> (columns: Int, rows: Int) {
        let size = size(ofLevel: level)
        return ((size.width + tileSize - 1) / tileSize, (size.height + tileSize - 1) / tileSize)
    }

    /// The pixels of `level` that tile (`column`, `row`) shows, overlap included, or `nil` when
    /// the level or the tile does not exist.
    public func tileRect(level: Int, column: Int, row: Int) -> (x: Int, y: Int, width: Int, height: Int)? {
        guard level >= 0, level <= maximumLevel, column >= 0, row >= 0 else { return nil }
        let grid = tileGrid(ofLevel: level)
        guard column < grid.columns, row < grid.rows else { return nil }
        let size = size(ofLevel: level)
        let x0 = max(0, column * tileSize - overlap)
        let y0 = max(0, row * tileSize - overlap)
        let x1 = min(size.width, (column + 1) * tileSize + overlap)
        let y1 = min(size.height, (row + 1) * tileSize + overlap)
        return (x0, y0, x1 - x0, y1 - y0)
    }

    /// The DZI descriptor (`.dzi` XML) of this pyramid, for viewers that read the format.
    public func descriptor(format: String = "jpeg") -> String {
        """
        <?xml version="1.0" encoding="UTF-8"?>
        <Image xmlns="http://schemas.microsoft.com/deepzoom/2008" Format="\(format)" Overlap="\(overlap)" \
        TileSize="\(tileSize)"><Size Width="\(width)" Height="\(height)"/></Image>
        """
    }
}
