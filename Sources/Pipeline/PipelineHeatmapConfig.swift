import Heatmap
import HeatmapStage

/// The `heatmap` section of a pipeline config: what `slidemil heatmap` is given for each
/// predicted slide (keys are its option names in camel case).
public struct PipelineHeatmapConfig: Codable, Equatable, Sendable {
    /// Longer side of each heatmap in px (default 2048).
    public var maxSide = 2048
    /// Score scaling: `percentile` (default, as CLAM) or `minmax`.
    public var normalization = "percentile"
    /// Colormap: `jet` (default) or `viridis`.
    public var colormap = "jet"
    /// Weight of the colours over the slide, 0...1 (default 0.4).
    public var alpha = 0.4
    /// Gaussian smoothing sigma in heatmap px; 0 (default) = off.
    public var sigma = 0.0
    /// Highest-attention tiles written as PNGs per slide (default 5).
    public var topK = 5
    /// Lowest-attention tiles written as PNGs per slide (default 5).
    public var bottomK = 5
    /// Draw heatmaps for at most this many predicted slides, in slide order; 0 (default) = all.
    public var slides = 0

    /// The heatmap command's defaults, for every predicted slide.
    public init() {}

    /// The `HeatmapSettings` these values stand for.
    /// - Throws: `PipelineError.invalidSetting` for an unknown normalisation or colormap or a
    ///   negative slide count, `HeatmapSettingsError` for values out of range.
    public func settings() throws -> HeatmapSettings {
        var settings = HeatmapSettings()
        guard let normalization = ScoreNormalization(rawValue: normalization) else {
            throw PipelineError.invalidSetting(key: "heatmap.normalization", problem: "must be percentile or minmax")
        }
        guard let colormap = Colormap(rawValue: colormap) else {
            throw PipelineError.invalidSetting(key: "heatmap.colormap", problem: "must be jet or viridis")
        }
        guard slides >= 0 else { throw PipelineError.invalidSetting(key: "heatmap.slides", problem: "must be 0 or more") }
        settings.canvas = .maximumSide(maxSide)
        settings.normalization = normalization
        settings.colormap = colormap
        settings.alpha = alpha
        settings.smoothingSigma = sigma > 0 ? sigma : nil
        settings.topK = topK
        settings.bottomK = bottomK
        try settings.validate()
        return settings
    }

    /// The `slidemil heatmap` options that differ from its defaults.
    var commandOptions: [String] {
        let defaults = PipelineHeatmapConfig()
        var options = ChangedOptions()
        options.add(maxSide, defaults.maxSide, "--max-side")
        options.add(normalization, defaults.normalization, "--normalization")
        options.add(colormap, defaults.colormap, "--colormap")
        options.add(alpha, defaults.alpha, "--alpha")
        if sigma > 0 { options.add("--sigma", "\(sigma)") }
        options.add(topK, defaults.topK, "--top-k")
        options.add(bottomK, defaults.bottomK, "--bottom-k")
        return options.arguments
    }
}
