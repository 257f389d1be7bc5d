import Heatmap
import RunSupport

extension ScoreNormalization: SettingValue {}
extension Colormap: SettingValue {}
extension AttentionRaster.OverlapRule: SettingValue {}
extension TileGeoJSON.ObjectType: SettingValue {}

extension HeatmapSettings {
    public static let section = "heatmap"

    /// Every setting of `slidemil heatmap` and the pipeline's `heatmap` section, with its range.
    /// The tissue segmentation is not a key: it comes from the tile run's patch file.
    public static var keys: [SettingKey<HeatmapSettings>] {
        [
            SettingKey("maxSide", "Longer side of the heatmap in px.", range: SettingRange(16, 65_536),
                       get: { if case let .maximumSide(side) = $0.canvas { side } else { defaultMaxSide } },
                       set: { $0.canvas = .maximumSide($1) }),
            SettingKey("level", "Draw at the size of this pyramid level instead of --max-side (-1 = not given).",
                       range: SettingRange(0, 64), unset: -1,
                       get: { if case let .level(level) = $0.canvas { level } else { -1 } },
                       set: { if $1 != -1 { $0.canvas = .level($1) } }),
            SettingKey("normalization", \.normalization, "Score scaling: percentile (rank 0-100, as CLAM) or minmax."),
            SettingKey("colormap", \.colormap, "Colormap: jet or viridis."),
            SettingKey("alpha", \.alpha, "Weight of the heatmap colours over the slide, 0...1.", range: .unitInterval),
            SettingKey("overlap", \.overlap, "Overlapping tiles per pixel: average (mean of all) or last (last tile drawn)."),
            SettingKey("sigma", "Gaussian smoothing sigma in heatmap px (0 = off).", range: .positive(upTo: 10_000), unset: 0.0,
                       get: { $0.smoothingSigma ?? 0 }, set: { $0.smoothingSigma = $1 == 0 ? nil : $1 }),
            SettingKey("everywhere", "Colour tiles outside the tissue mask too.", get: { !$0.tissueOnly }, set: { $0.tissueOnly = !$1 }),
            SettingKey("noLegend", "Leave out the colour bar and prediction.", get: { !$0.legend }, set: { $0.legend = !$1 }),
            SettingKey("topK", \.topK, "Highest-attention tiles to write as PNGs.", range: SettingRange(0, 100_000)),
            SettingKey("bottomK", \.bottomK, "Lowest-attention tiles to write as PNGs.", range: SettingRange(0, 100_000)),
            SettingKey("tileLevel", "Pyramid level for tile PNGs (-1 = the patch file's level, else 0).", range: SettingRange(0, 64), unset: -1,
                       get: { $0.tileLevel ?? -1 }, set: { $0.tileLevel = $1 == -1 ? nil : $1 }),
            SettingKey("objectType", \.geoJSONObjectType, "QuPath object type in the GeoJSON: tile or detection."),
            SettingKey("className", "QuPath class for high-attention tiles in the GeoJSON (empty = none).",
                       get: { $0.highAttentionClass ?? "" }, set: { $0.highAttentionClass = $1.isEmpty ? nil : $1 }),
            SettingKey("classPercentile", \.highAttentionPercentile, "Attention percentile 0...100 from which tiles get --class-name.",
                       range: SettingRange(0, 100)),
            SettingKey("attentionClass", "Multi-class predictions: draw this class's attention and probability (empty = the predicted class).",
                       option: "class", get: { $0.attentionClass ?? "" }, set: { $0.attentionClass = $1.isEmpty ? nil : $1 }),
            SettingKey("slides", \.slides, "Draw heatmaps for at most this many predicted slides, in slide order (0 = all).",
                       range: SettingRange(0, Double(Int32.max)), place: .configOnly),
        ]
    }

    /// The default picture's longer side in px.
    public static let defaultMaxSide: Int = {
        if case let .maximumSide(side) = HeatmapSettings().canvas { return side }
        return 2048
    }()
}
