import Foundation
import Heatmap
import Raster
import SlideIO
import Store
import Tiling

/// A slide's attention drawn at picture scale, and the rasters it was drawn from.
public struct HeatmapRendering: Sendable {
    /// The slide picture with attention blended over tissue (and the legend strip, if asked).
    public let image: RGBImage
    /// Picture width in px.
    public let width: Int
    /// Picture height in px, without the legend strip.
    public let height: Int
    /// Level-0 px per picture px, horizontally.
    public let downsampleX: Double
    /// Level-0 px per picture px, vertically.
    public let downsampleY: Double
    /// Normalised (0...1) attention per picture pixel after overlap handling and smoothing, NaN
    /// where no tile lies; row-major, `width × height`.
    public let values: [Float]
    /// Tissue flag per picture pixel (all true when the overlay is not restricted to tissue).
    public let tissue: [Bool]

    /// Draws `scores` over `slide`. Memory is a few rasters of the picture's size plus one
    /// segmentation image, independent of the slide's level-0 size.
    /// - Parameters:
    ///   - footprint: tile side in level-0 px.
    ///   - caption: first legend line (e.g. slide id and probability).
    ///   - source: the scores file, for error messages.
    /// - Throws: `HeatmapPipelineError.tileOutsideSlide` or `.levelMissing`, `SlideError` or `TilingError`.
    public static func render(slide: Slide, scores: HeatmapScores, footprint: Int, settings: HeatmapSettings,
                              caption: String, source: String) throws -> HeatmapRendering {
        let (slideWidth, slideHeight) = slide.dimensions
        if let outside = scores.coordinates.first(where: { !(0..<slideWidth).contains($0.x) || !(0..<slideHeight).contains($0.y) }) {
            throw HeatmapPipelineError.tileOutsideSlide(path: source, x: outside.x, y: outside.y,
                                                        slideWidth: slideWidth, slideHeight: slideHeight)
        }
        let thumbnail = try picture(of: slide, canvas: settings.canvas)
        let downsampleX = Double(slideWidth) / Double(thumbnail.width)
        let downsampleY = Double(slideHeight) / Double(thumbnail.height)

        var raster = AttentionRaster(width: thumbnail.width, height: thumbnail.height,
                                     downsampleX: downsampleX, downsampleY: downsampleY, overlap: settings.overlap)
        let normalised = settings.normalization.normalize(scores.attention)
        for (point, value) in zip(scores.coordinates, normalised) {
            raster.add(TileFootprint(x: point.x, y: point.y, side: footprint), value: Float(value))
        }
        let values = settings.smoothingSigma.map { raster.smoothedValues(with: GaussianBlur(sigma: $0)) } ?? raster.values

        let tissue: [Bool]
        if settings.tissueOnly {
            let mask = try TissueSegmenter(parameters: settings.segmentation ?? TissueSegmentationParameters()).segment(slide).mask
            tissue = resample(mask, width: thumbnail.width, height: thumbnail.height, downsampleX: downsampleX, downsampleY: downsampleY)
        } else {
            tissue = [Bool](repeating: true, count: thumbnail.width * thumbnail.height)
        }
        var image = AttentionOverlay(colormap: settings.colormap, alpha: settings.alpha)
            .apply(to: thumbnail, values: values, tissue: tissue)
        if settings.legend {
            let ends = settings.normalization == .percentile ? ("0", "100") : ("MIN", "MAX")
            image = ColorBarLegend(colormap: settings.colormap, caption: caption, lowLabel: ends.0, highLabel: ends.1)
                .appended(below: image)
        }
        return HeatmapRendering(image: image, width: thumbnail.width, height: thumbnail.height,
                                downsampleX: downsampleX, downsampleY: downsampleY, values: values, tissue: tissue)
    }

    /// The whole slide at the canvas size, read in bands from the nearest larger level.
    static func picture(of slide: Slide, canvas: HeatmapSettings.Canvas) throws -> RGBImage {
        switch canvas {
        case let .maximumSide(side):
            return try slide.thumbnail(maximumSide: side)
        case let .level(index):
            guard slide.levels.indices.contains(index) else {
                throw HeatmapPipelineError.levelMissing(path: slide.path, level: index, levels: slide.levels.count)
            }
            let level = slide.levels[index]
            return try slide.thumbnail(maximumSide: max(level.width, level.height))
        }
    }

    /// The tissue mask at picture scale: each picture pixel takes the mask pixel under its
    /// centre, both mapped through level 0 so the two scales can differ freely.
    static func resample(_ mask: TissueMask, width: Int, height: Int, downsampleX: Double, downsampleY: Double) -> [Bool] {
        let bits = mask.mask
        let columns = (0..<width).map { min(bits.width - 1, Int((Double($0) + 0.5) * downsampleX / mask.downsampleX)) }
        var result = [Bool](repeating: false, count: width * height)
        guard bits.width > 0, bits.height > 0 else { return result }
        for row in 0..<height {
            let maskRow = min(bits.height - 1, Int((Double(row) + 0.5) * downsampleY / mask.downsampleY))
            for column in 0..<width { result[row * width + column] = bits[columns[column], maskRow] }
        }
        return result
    }
}
