import Foundation
import Raster
import SlideIO
import Tensor

/// A seeded, H&E-like synthetic whole-slide image with known ground truth.
///
/// A few blobby tissue pieces (pink eosin stroma with purple hematoxylin nuclei) lie side by
/// side on a near-white background; optionally some pieces hold tumour-like regions (denser,
/// darker, larger irregular nuclei). Every pixel is a pure function of the seed and its level-0
/// position, so any tile can be produced alone, in any order, on any thread, and `isTissue` /
/// `isTumor` answer exactly which pixels are which.
public struct SyntheticSlide: Sendable {
    /// What determines a synthetic slide completely.
    public struct Configuration: Codable, Sendable, Equatable {
        /// Level-0 size, pixels.
        public var width: Int
        public var height: Int
        /// Level-0 resolution; structures (nuclei, texture) keep their size in µm.
        public var micronsPerPixel: Double
        public var seed: UInt64
        /// Tumour regions, spread over the tissue pieces in turn (0 for a normal slide).
        public var tumorCount: Int

        public init(width: Int, height: Int, micronsPerPixel: Double = 0.25, seed: UInt64 = 0, tumorCount: Int = 0) {
            self.width = width
            self.height = height
            self.micronsPerPixel = micronsPerPixel
            self.seed = seed
            self.tumorCount = tumorCount
        }
    }

    public let configuration: Configuration
    /// The tissue pieces, left to right.
    public let tissueRegions: [TissueEllipse]
    /// The tumour regions, each inside one tissue piece.
    public let tumorRegions: [TissueEllipse]

    /// The background (glass) colour.
    public static let background: (red: UInt8, green: UInt8, blue: UInt8) = (243, 242, 246)

    /// Lays out a slide.
    /// - Throws: `SlideError.invalidConfiguration` for sizes under 256 px or over 4,000,000 px per
    ///   side, a resolution outside 0.05...20 µm/px, or a negative tumour count.
    public init(_ configuration: Configuration) throws {
        guard (256...4_000_000).contains(configuration.width), (256...4_000_000).contains(configuration.height) else {
            throw SlideError.invalidConfiguration(reason: "synthetic slide size \(configuration.width) x \(configuration.height) px (use 256...4000000 per side)")
        }
        guard (0.05...20).contains(configuration.micronsPerPixel) else {
            throw SlideError.invalidConfiguration(reason: "synthetic slide resolution \(configuration.micronsPerPixel) µm/px (use 0.05...20)")
        }
        guard configuration.tumorCount >= 0 else {
            throw SlideError.invalidConfiguration(reason: "tumour count \(configuration.tumorCount) is negative")
        }
        self.configuration = configuration
        var random = SeededGenerator(seed: configuration.seed)
        let pieces = Self.layOutTissue(configuration, &random)
        tissueRegions = pieces
        tumorRegions = (0..<configuration.tumorCount).map { Self.layOutTumor(in: pieces[$0 % pieces.count], &random) }
        renderer = SyntheticTissueRenderer(seed: configuration.seed, micronsPerPixel: configuration.micronsPerPixel)
    }

    private let renderer: SyntheticTissueRenderer

    /// "tumor" when the slide has tumour regions, else "normal" (Camelyon's slide labels).
    public var label: String { tumorRegions.isEmpty ? "normal" : "tumor" }

    /// Level-0 bounding boxes of the tumour regions, clipped to the slide.
    public var tumorBoxes: [Level0Rect] { tumorRegions.map { clipped($0.boundingBox) } }

    /// Whether level-0 pixel (`x`, `y`) (its centre) shows tissue.
    public func isTissue(x: Int, y: Int) -> Bool {
        let px = Double(x) + 0.5, py = Double(y) + 0.5
        return tissueRegions.contains { $0.contains(x: px, y: py) }
    }

    /// Whether level-0 pixel (`x`, `y`) lies in a tumour region (always also tissue).
    public func isTumor(x: Int, y: Int) -> Bool {
        let px = Double(x) + 0.5, py = Double(y) + 0.5
        return tumorRegions.contains { $0.contains(x: px, y: py) }
    }

    /// The colour of level-0 pixel (`x`, `y`).
    public func pixel(x: Int, y: Int) -> (red: UInt8, green: UInt8, blue: UInt8) {
        let px = Double(x) + 0.5, py = Double(y) + 0.5
        guard tissueRegions.contains(where: { $0.contains(x: px, y: py) }) else { return Self.background }
        let texture = renderer.texture(covering: Level0Rect(x: x, y: y, width: 1, height: 1))
        return renderer.tissue(x: x, y: y, tumor: tumorRegions.contains { $0.contains(x: px, y: py) }, texture: texture)
    }

    /// The level-0 rectangle at (`x`, `y`) of `width` x `height` pixels; pixels outside the
    /// slide are background. Rows that meet no tissue piece are filled without per-pixel work.
    /// - Complexity: O(width * height).
    public func region(x: Int, y: Int, width: Int, height: Int) -> RGBImage {
        var image = RGBImage(width: width, height: height, fill: Self.background)
        let boxes = tissueRegions.map(\.boundingBox)
        let tumorBoxes = tumorRegions.map(\.boundingBox)
        let slideWidth = configuration.width, slideHeight = configuration.height
        let region = Level0Rect(x: x, y: y, width: width, height: height)
        guard boxes.contains(where: { $0.intersects(region) }) else { return image }
        let texture = renderer.texture(covering: region)
        image.pixels.withUnsafeMutableBufferPointer { pixels in
            for row in 0..<height {
                let py = y + row
                guard py >= 0, py < slideHeight else { continue }
                let rowRect = Level0Rect(x: x, y: py, width: width, height: 1)
                let pieces = tissueRegions.indices.filter { boxes[$0].intersects(rowRect) }.map { tissueRegions[$0] }
                if pieces.isEmpty { continue }
                let tumors = tumorRegions.indices.filter { tumorBoxes[$0].intersects(rowRect) }.map { tumorRegions[$0] }
                let centreY = Double(py) + 0.5
                for column in 0..<width {
                    let px = x + column
                    guard px >= 0, px < slideWidth else { continue }
                    let centreX = Double(px) + 0.5
                    guard pieces.contains(where: { $0.contains(x: centreX, y: centreY) }) else { continue }
                    let tumor = !tumors.isEmpty && tumors.contains { $0.contains(x: centreX, y: centreY) }
                    let colour = renderer.tissue(x: px, y: py, tumor: tumor, texture: texture)
                    let offset = (row * width + column) * 3
                    pixels[offset] = colour.red
                    pixels[offset + 1] = colour.green
                    pixels[offset + 2] = colour.blue
                }
            }
        }
        return image
    }

    private func clipped(_ rect: Level0Rect) -> Level0Rect {
        let x0 = max(0, rect.x), y0 = max(0, rect.y)
        let x1 = min(configuration.width, rect.x + rect.width), y1 = min(configuration.height, rect.y + rect.height)
        return Level0Rect(x: x0, y: y0, width: max(0, x1 - x0), height: max(0, y1 - y0))
    }
}
