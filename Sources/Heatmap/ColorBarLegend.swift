import Raster

/// A legend strip added below a heatmap: a caption line (e.g. the slide and its predicted
/// probability) and a horizontal colour bar labelled at both ends.
public struct ColorBarLegend: Sendable {
    /// The colormap the bar shows, value 0 on the left.
    public var colormap: Colormap
    /// Text of the first line, e.g. `"TUMOUR_01  P = 0.873"`.
    public var caption: String
    /// Label left of the bar (value 0), e.g. `"0"`.
    public var lowLabel: String
    /// Label right of the bar (value 1), e.g. `"100"`.
    public var highLabel: String

    /// A legend for `colormap` with the given texts.
    public init(colormap: Colormap, caption: String, lowLabel: String = "0", highLabel: String = "100%") {
        self.colormap = colormap
        self.caption = caption
        self.lowLabel = lowLabel
        self.highLabel = highLabel
    }

    /// Font scale for a picture `width` px wide: text stays readable on large heatmaps.
    public static func scale(forWidth width: Int) -> Int { max(1, width / 700) }

    /// Height in px of the strip added below a picture `width` px wide.
    public static func stripHeight(forWidth width: Int) -> Int {
        let scale = scale(forWidth: width)
        return (4 + BitmapFont.glyphHeight + 4 + 12 + 4) * scale
    }

    /// `image` (RGB) with a white legend strip of `stripHeight(forWidth:)` rows added below it;
    /// the picture's own pixels are unchanged. Text and bar are clipped on very narrow pictures.
    /// - Complexity: O(width × strip height).
    public func appended(below image: RGBImage) -> RGBImage {
        let scale = Self.scale(forWidth: image.width)
        let strip = Self.stripHeight(forWidth: image.width)
        var pixels = image.pixels
        pixels.append(contentsOf: repeatElement(255, count: image.width * strip * 3))
        var result = RGBImage(width: image.width, height: image.height + strip, pixels: pixels)
        let margin = 4 * scale
        let textTop = image.height + margin
        BitmapFont.draw(caption, into: &result, x: margin, y: textTop, scale: scale)

        let barTop = textTop + (BitmapFont.glyphHeight + 4) * scale, barHeight = 12 * scale
        let labelTop = barTop + (barHeight - BitmapFont.glyphHeight * scale) / 2
        BitmapFont.draw(lowLabel, into: &result, x: margin, y: labelTop, scale: scale)
        let barLeft = margin + BitmapFont.width(of: lowLabel, scale: scale) + margin
        let highWidth = BitmapFont.width(of: highLabel, scale: scale)
        let barWidth = min(256 * scale, image.width - barLeft - 2 * margin - highWidth)
        guard barWidth > 0 else { return result }
        let table = colormap.table
        for column in 0..<barWidth {
            let colour = table[Colormap.index(for: (Double(column) + 0.5) / Double(barWidth))]
            for row in barTop..<min(barTop + barHeight, result.height) {
                let offset = (row * result.width + barLeft + column) * 3
                result.pixels[offset] = colour.red
                result.pixels[offset + 1] = colour.green
                result.pixels[offset + 2] = colour.blue
            }
        }
        BitmapFont.draw(highLabel, into: &result, x: barLeft + barWidth + margin, y: labelTop, scale: scale)
        return result
    }
}
