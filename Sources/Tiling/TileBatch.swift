import Raster
import SlideIO
import Tensor

/// Consecutive tiles of one slide, in coordinate order, as delivered by `TileStream`.
public struct TileBatch: Sendable {
    /// Position of the batch in the stream (0, 1, ...).
    public let index: Int
    /// Level-0 top-left corners of the tiles read, parallel to `tiles`.
    public let coordinates: [Level0Point]
    /// The tiles, each `outputSize` x `outputSize` RGB (the geometry's).
    public let tiles: [RGBImage]
    /// Tiles of this batch that could not be read and were skipped (`TileReadPolicy.skip`).
    public let skipped: [SkippedTile]

    public init(index: Int, coordinates: [Level0Point], tiles: [RGBImage], skipped: [SkippedTile]) {
        precondition(coordinates.count == tiles.count, "\(coordinates.count) coordinates for \(tiles.count) tiles")
        self.index = index
        self.coordinates = coordinates
        self.tiles = tiles
        self.skipped = skipped
    }

    /// ImageNet channel means (R, G, B) on the 0...1 scale, the usual CNN normalisation.
    public static let imageNetMean: [Float] = [0.485, 0.456, 0.406]
    /// ImageNet channel standard deviations (R, G, B).
    public static let imageNetStd: [Float] = [0.229, 0.224, 0.225]

    /// The tiles as an NCHW tensor `[count, 3, side, side]` with `(value / 255 - mean[c]) / std[c]`.
    /// - Precondition: every tile has the same size; `mean` and `std` have 3 entries, std nonzero.
    public func tensor(mean: [Float] = TileBatch.imageNetMean, std: [Float] = TileBatch.imageNetStd) -> Tensor {
        precondition(mean.count == 3 && std.count == 3 && !std.contains(0), "mean and std need 3 channels, std nonzero")
        guard let first = tiles.first else { return Tensor(shape: [0, 3, 0, 0]) }
        let height = first.height, width = first.width, plane = height * width
        var storage = [Float](repeating: 0, count: tiles.count * 3 * plane)
        let scale = (0..<3).map { 1 / (255 * std[$0]) }
        let shift = (0..<3).map { -mean[$0] / std[$0] }
        storage.withUnsafeMutableBufferPointer { out in
            for (n, tile) in tiles.enumerated() {
                precondition(tile.width == width && tile.height == height, "tiles of different sizes in one batch")
                tile.pixels.withUnsafeBufferPointer { src in
                    let base = n * 3 * plane
                    for pixel in 0..<plane {
                        for channel in 0..<3 {
                            out[base + channel * plane + pixel] = Float(src[pixel * 3 + channel]) * scale[channel] + shift[channel]
                        }
                    }
                }
            }
        }
        return Tensor(shape: [tiles.count, 3, height, width], storage: storage)
    }
}

/// A tile that could not be read, and why.
public struct SkippedTile: Equatable, Sendable {
    public let coordinate: Level0Point
    /// The error's one-line description (names slide, x and y).
    public let reason: String

    public init(coordinate: Level0Point, reason: String) {
        self.coordinate = coordinate
        self.reason = reason
    }
}

/// What a `TileStream` does when a tile cannot be read.
public enum TileReadPolicy: Equatable, Sendable {
    /// Stop: the batch holding the bad tile throws `TilingError.tileRead` from `next()`, and
    /// nothing after it is delivered.
    case stop
    /// Skip the tile, list it in the batch's `skipped`, and go on.
    case skip
}
