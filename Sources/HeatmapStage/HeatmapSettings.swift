import Heatmap
import RunSupport
import Tiling

/// How `slidemil heatmap` draws a slide's attention. Defaults follow CLAM's heatmaps. Also the
/// pipeline config's `heatmap` section and the defaults and help of `slidemil heatmap`'s options:
/// `HeatmapSettings+Keys.swift` declares each setting once.
public struct HeatmapSettings: StageSettings, Sendable {
    /// The size of the picture everything is drawn at.
    public enum Canvas: Equatable, Sendable {
        /// The whole slide with its longer side at most this many px (default 2048).
        case maximumSide(Int)
        /// The whole slide at the size of this pyramid level (memory grows with that level).
        case level(Int)
    }

    /// Picture size (default: longer side 2048 px).
    public var canvas = Canvas.maximumSide(2048)
    /// Scores to colours: rank percentile (default, as CLAM) or min-max.
    public var normalization = ScoreNormalization.percentile
    /// Colormap (default jet, as CLAM).
    public var colormap = Colormap.jet
    /// Blend weight of the colours over the slide, 0...1 (default 0.4).
    public var alpha = 0.4
    /// How overlapping tiles combine per pixel (default: averaged).
    public var overlap = AttentionRaster.OverlapRule.average
    /// Gaussian smoothing sigma in picture px; nil (default) leaves tiles sharp.
    public var smoothingSigma: Double?
    /// Colour only pixels inside the tissue mask (default true).
    public var tissueOnly = true
    /// Segmentation used for the tissue mask; nil (default) uses the tile run's, as its patch
    /// file records it, so the heatmap masks the tissue that was tiled (CLAM's defaults when no
    /// patch file is given or it does not record them).
    public var segmentation: TissueSegmentationParameters?
    /// Draw the colour-bar legend with the prediction below the picture (default true).
    public var legend = true
    /// Number of highest-attention tiles written as PNGs (default 5).
    public var topK = 5
    /// Number of lowest-attention tiles written as PNGs (default 5).
    public var bottomK = 5
    /// Pyramid level the example tiles are read at; nil uses the patch file's level, else level 0.
    public var tileLevel: Int?
    /// QuPath object type of the GeoJSON polygons (default tile).
    public var geoJSONObjectType = TileGeoJSON.ObjectType.tile
    /// QuPath class given to tiles at or above `highAttentionPercentile` in the GeoJSON; nil
    /// (default) leaves every tile unclassified.
    public var highAttentionClass: String?
    /// Rank percentile (0...100) from which tiles get `highAttentionClass` (default 90).
    public var highAttentionPercentile = 90.0

    /// The pipeline draws heatmaps for at most this many predicted slides, in slide order; 0
    /// (default) = all. Not used by `slidemil heatmap`, which draws one slide.
    public var slides = 0
    /// The class whose attention and probability are drawn, for attention files of multi-class
    /// predictions; nil (default) draws the predicted class.
    public var attentionClass: String?

    /// The defaults.
    public init() {}

    /// Checks every setting against its documented range before any work starts.
    /// - Throws: `SettingRangeError` naming the first setting out of range, or the
    ///   segmentation's `TilingError`.
    public func validate() throws {
        try checkRanges()
        try segmentation?.validate()
    }
}
