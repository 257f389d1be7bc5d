import ArgumentParser
import HeatmapStage

/// Each option is named as its `HeatmapSettings` key, which gives its help and default.
private let defaults = HeatmapSettings()

extension HeatmapCommand {
    /// How the heatmap picture is drawn: size, score scaling, colours, blending, smoothing.
    struct PictureOptions: ParsableArguments {
        @Option(help: .setting(HeatmapSettings.self, "maxSide"))
        var maxSide = HeatmapSettings.defaultMaxSide

        @Option(help: .setting(HeatmapSettings.self, "level"))
        var level: Int?

        @Option(help: .setting(HeatmapSettings.self, "normalization"))
        var normalization = defaults.normalization.rawValue

        @Option(help: .setting(HeatmapSettings.self, "colormap"))
        var colormap = defaults.colormap.rawValue

        @Option(help: .setting(HeatmapSettings.self, "alpha"))
        var alpha = defaults.alpha

        @Option(help: .setting(HeatmapSettings.self, "overlap"))
        var overlap = defaults.overlap.rawValue

        @Option(help: .setting(HeatmapSettings.self, "sigma"))
        var sigma: Double?

        @Flag(help: .setting(HeatmapSettings.self, "everywhere"))
        var everywhere = false

        @Flag(help: .setting(HeatmapSettings.self, "noLegend"))
        var noLegend = false
    }

    /// The top and bottom tile PNGs and the QuPath GeoJSON.
    struct ExportOptions: ParsableArguments {
        @Option(help: .setting(HeatmapSettings.self, "topK"))
        var topK = defaults.topK

        @Option(help: .setting(HeatmapSettings.self, "bottomK"))
        var bottomK = defaults.bottomK

        @Option(help: .setting(HeatmapSettings.self, "tileLevel"))
        var tileLevel: Int?

        @Option(help: .setting(HeatmapSettings.self, "objectType"))
        var objectType = defaults.geoJSONObjectType.rawValue

        @Option(help: .setting(HeatmapSettings.self, "className"))
        var className: String?

        @Option(help: .setting(HeatmapSettings.self, "classPercentile"))
        var classPercentile = defaults.highAttentionPercentile

        @Option(help: .setting(HeatmapSettings.self, "attentionClass"))
        var `class`: String?
    }
}
