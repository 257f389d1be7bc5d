/// Per-pixel attention at picture scale: tile footprints rasterised onto a grid of `width` x
/// `height` pixels, each `downsampleX` x `downsampleY` level-0 pixels.
///
/// Memory is two `Float` rasters of the picture's size, whatever the slide's size or tile count
/// (CLAM's full-resolution arrays are what exhaust memory on large slides).
public struct AttentionRaster: Sendable {
    /// How tiles that overlap the same pixel combine.
    public enum OverlapRule: String, CaseIterable, Sendable {
        /// The pixel shows the mean of every tile covering it (CLAM's overlap averaging).
        case average
        /// The pixel shows the tile added last (fast, fine for non-overlapping grids).
        case last
    }

    /// Raster width in pixels.
    public let width: Int
    /// Raster height in pixels.
    public let height: Int
    /// Level-0 pixels per raster pixel, horizontally.
    public let downsampleX: Double
    /// Level-0 pixels per raster pixel, vertically.
    public let downsampleY: Double
    /// How overlapping tiles combine.
    public let overlap: OverlapRule
    /// Sum of the values of the tiles covering each pixel (`.average`), or the last value (`.last`).
    public private(set) var sum: [Float]
    /// Number of tiles covering each pixel.
    public private(set) var count: [Float]

    /// An empty raster.
    /// - Precondition: sizes non-negative, downsamples positive.
    public init(width: Int, height: Int, downsampleX: Double, downsampleY: Double, overlap: OverlapRule = .average) {
        precondition(width >= 0 && height >= 0, "negative raster size")
        precondition(downsampleX > 0 && downsampleY > 0, "downsample must be positive")
        self.width = width
        self.height = height
        self.downsampleX = downsampleX
        self.downsampleY = downsampleY
        self.overlap = overlap
        sum = [Float](repeating: 0, count: width * height)
        count = sum
    }

    /// The raster pixels `tile` covers: those whose centres lie inside its level-0 box.
    public func pixels(of tile: TileFootprint) -> (columns: Range<Int>, rows: Range<Int>) {
        (TileFootprint.span(start: tile.x, length: tile.width, downsample: downsampleX, limit: width),
         TileFootprint.span(start: tile.y, length: tile.height, downsample: downsampleY, limit: height))
    }

    /// Paints `value` over the pixels of `tile`. O(pixels covered).
    public mutating func add(_ tile: TileFootprint, value: Float) {
        let (columns, rows) = pixels(of: tile)
        for row in rows {
            for column in columns {
                let index = row * width + column
                if overlap == .average { sum[index] += value } else { sum[index] = value }
                count[index] += 1
            }
        }
    }

    /// Whether any tile covers each pixel.
    public var covered: [Bool] { count.map { $0 > 0 } }

    /// The value of each pixel (mean or last tile, by `overlap`), NaN where no tile covers it.
    public var values: [Float] {
        zip(sum, count).map { value, count in
            guard count > 0 else { return .nan }
            return overlap == .average ? value / count : value
        }
    }

    /// `values` smoothed with `blur` over the covered pixels only: blurred values divided by the
    /// blurred coverage (normalised convolution), so background does not pull edge tiles towards
    /// 0 and the smoothed map stays within the range of the tile values. Uncovered pixels stay NaN.
    public func smoothedValues(with blur: GaussianBlur) -> [Float] {
        let plain = values
        let weights = plain.map { $0.isNaN ? Float(0) : 1 }
        let weighted = zip(plain, weights).map { $1 == 0 ? 0 : $0 }
        let blurredValues = blur.apply(weighted, width: width, height: height)
        let blurredWeights = blur.apply(weights, width: width, height: height)
        return (0..<plain.count).map { index in
            guard weights[index] > 0, blurredWeights[index] > 0 else { return .nan }
            return blurredValues[index] / blurredWeights[index]
        }
    }
}
