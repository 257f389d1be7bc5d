/// The square (or rectangle) of level-0 pixels one tile covers: top-left corner (`x`, `y`) and
/// size, all in level-0 pixels. This is the only tile coordinate convention the Heatmap module
/// knows; every picture converts from it by dividing by its own downsample.
public struct TileFootprint: Hashable, Sendable {
    /// Level-0 column of the left edge.
    public var x: Int
    /// Level-0 row of the top edge.
    public var y: Int
    /// Width in level-0 pixels (> 0).
    public var width: Int
    /// Height in level-0 pixels (> 0).
    public var height: Int

    /// A footprint from its level-0 top-left corner and size.
    /// - Precondition: `width > 0`, `height > 0`.
    public init(x: Int, y: Int, width: Int, height: Int) {
        precondition(width > 0 && height > 0, "tile footprint must have a positive size")
        self.x = x
        self.y = y
        self.width = width
        self.height = height
    }

    /// A square footprint of `side` level-0 pixels.
    public init(x: Int, y: Int, side: Int) {
        self.init(x: x, y: y, width: side, height: side)
    }

    /// The columns (or rows) of a raster with `downsample` level-0 px per raster px whose pixel
    /// centres fall inside `[start, start + length)` level-0 px, clipped to `0..<limit`.
    ///
    /// Pixel `i` spans level-0 `[i·d, (i+1)·d)`, so its centre is `(i + 0.5)·d`: taking centres
    /// neither grows nor shifts tiles (no drift towards the bottom-right). A tile narrower than
    /// one raster pixel still claims the pixel holding its centre.
    static func span(start: Int, length: Int, downsample: Double, limit: Int) -> Range<Int> {
        let low = Double(start) / downsample, high = Double(start + length) / downsample
        var first = Int((low - 0.5).rounded(.up)), end = Int((high - 0.5).rounded(.up))
        if end <= first {
            first = Int(((low + high) / 2).rounded(.down))
            end = first + 1
        }
        let clippedFirst = min(max(first, 0), limit), clippedEnd = min(max(end, 0), limit)
        return clippedFirst..<max(clippedFirst, clippedEnd)
    }
}
