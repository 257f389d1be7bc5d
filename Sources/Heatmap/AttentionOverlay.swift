import Raster

/// Colours attention over a picture of the slide: CLAM's blend, restricted to tissue.
public struct AttentionOverlay: Sendable {
    /// Colormap for the normalised values (jet, as CLAM, by default).
    public var colormap: Colormap
    /// Weight of the heatmap colour in the blend, `0...1` (0.4, as CLAM, by default); the slide
    /// keeps `1 - alpha`.
    public var alpha: Double

    /// An overlay with the given colormap and blend weight.
    /// - Precondition: `alpha` in `0...1`.
    public init(colormap: Colormap = .jet, alpha: Double = 0.4) {
        precondition((0...1).contains(alpha), "alpha must be in 0...1")
        self.colormap = colormap
        self.alpha = alpha
    }

    /// `base` (RGB) with each pixel that has a value (not NaN) and is tissue replaced by
    /// `alpha × colour(value) + (1 − alpha) × base`, rounded to the nearest byte. Other pixels are
    /// left as they are.
    /// - Parameters:
    ///   - values: one normalised value (`0...1`) per pixel, row-major, NaN for "no tile".
    ///   - tissue: one flag per pixel; `nil` treats every pixel as tissue.
    /// - Precondition: `base` is RGB and the arrays have one entry per pixel.
    /// - Complexity: O(pixels).
    public func apply(to base: RGBImage, values: [Float], tissue: [Bool]?) -> RGBImage {
        let pixelCount = base.width * base.height
        precondition(values.count == pixelCount && (tissue?.count ?? pixelCount) == pixelCount,
                     "overlay rasters must match the \(base.width) x \(base.height) picture")
        let table = colormap.table
        let weight = Float(alpha), keep = 1 - Float(alpha)
        var pixels = base.pixels
        for index in 0..<pixelCount where !values[index].isNaN && (tissue?[index] ?? true) {
            let colour = table[Colormap.index(for: Double(values[index]))]
            let offset = index * 3
            pixels[offset] = Self.mix(colour.red, pixels[offset], weight, keep)
            pixels[offset + 1] = Self.mix(colour.green, pixels[offset + 1], weight, keep)
            pixels[offset + 2] = Self.mix(colour.blue, pixels[offset + 2], weight, keep)
        }
        return RGBImage(width: base.width, height: base.height, pixels: pixels)
    }

    private static func mix(_ colour: UInt8, _ base: UInt8, _ weight: Float, _ keep: Float) -> UInt8 {
        UInt8(min(255, (weight * Float(colour) + keep * Float(base)).rounded()))
    }
}
