import SlideIO

/// Tissue found on a slide: a bitmap at the segmentation scale and how it maps to level 0.
public struct TissueMask: Equatable, Sendable {
    /// 1 = tissue, one bit per segmentation pixel.
    public let mask: BinaryMask
    /// Level-0 px per mask px horizontally (`level-0 width / mask width`).
    public let downsampleX: Double
    /// Level-0 px per mask px vertically.
    public let downsampleY: Double
    /// Connected tissue pieces in mask pixels, with their holes. Computed on each call,
    /// O(mask pixels), since tiling itself does not need them.
    public var regions: [TissueRegion] { mask.regions }

    public init(mask: BinaryMask, downsampleX: Double, downsampleY: Double) {
        precondition(downsampleX > 0 && downsampleY > 0, "mask downsample must be positive")
        self.mask = mask
        self.downsampleX = downsampleX
        self.downsampleY = downsampleY
    }

    /// Fraction (0...1) of the level-0 rectangle (`x`, `y`, `width`, `height`) covered by tissue,
    /// each mask pixel weighed by its overlap with the rectangle (exact for rectangles smaller
    /// than a mask pixel too). Parts outside the mask count as background.
    /// O((width / downsampleX + 2) * (height / downsampleY + 2)).
    public func tissueFraction(x: Int, y: Int, width: Int, height: Int) -> Double {
        guard width > 0, height > 0, mask.width > 0, mask.height > 0 else { return 0 }
        let left = Double(x) / downsampleX, right = Double(x + width) / downsampleX
        let top = Double(y) / downsampleY, bottom = Double(y + height) / downsampleY
        let firstColumn = max(Int(left.rounded(.down)), 0), lastColumn = min(Int(right.rounded(.up)), mask.width) - 1
        let firstRow = max(Int(top.rounded(.down)), 0), lastRow = min(Int(bottom.rounded(.up)), mask.height) - 1
        guard firstColumn <= lastColumn, firstRow <= lastRow else { return 0 }
        var covered = 0.0
        for row in firstRow...lastRow {
            let rowWeight = min(bottom, Double(row + 1)) - max(top, Double(row))
            guard rowWeight > 0 else { continue }
            var rowSum = 0.0
            for column in firstColumn...lastColumn where mask.bits[row * mask.width + column] != 0 {
                rowSum += min(right, Double(column + 1)) - max(left, Double(column))
            }
            covered += rowWeight * rowSum
        }
        return min(max(covered / ((right - left) * (bottom - top)), 0), 1)
    }

    /// Bounding box of `region` in level-0 px (x, y, width, height), rounded outwards.
    public func level0Box(of region: TissueRegion) -> (x: Int, y: Int, width: Int, height: Int) {
        let x0 = Int((Double(region.x) * downsampleX).rounded(.down))
        let y0 = Int((Double(region.y) * downsampleY).rounded(.down))
        let x1 = Int((Double(region.x + region.width) * downsampleX).rounded(.up))
        let y1 = Int((Double(region.y + region.height) * downsampleY).rounded(.up))
        return (x0, y0, x1 - x0, y1 - y0)
    }
}
