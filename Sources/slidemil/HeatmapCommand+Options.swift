import ArgumentParser

extension HeatmapCommand {
    /// How the heatmap picture is drawn: size, score scaling, colours, blending, smoothing.
    struct PictureOptions: ParsableArguments {
        @Option(name: .customLong("max-side"), help: "Longer side of the heatmap in px.")
        var maxSide = 2048

        @Option(help: "Draw at the size of this pyramid level instead of --max-side.")
        var level: Int?

        @Option(help: "Score scaling: percentile (rank 0-100, as CLAM) or minmax.")
        var normalization = "percentile"

        @Option(help: "Colormap: jet or viridis.")
        var colormap = "jet"

        @Option(help: "Weight of the heatmap colours over the slide, 0...1.")
        var alpha = 0.4

        @Option(help: "Overlapping tiles per pixel: average (mean of all) or last (last tile drawn).")
        var overlap = "average"

        @Option(help: "Gaussian smoothing sigma in heatmap px (default: off).")
        var sigma: Double?

        @Flag(name: .customLong("everywhere"), help: "Colour tiles outside the tissue mask too.")
        var everywhere = false

        @Flag(name: .customLong("no-legend"), help: "Leave out the colour bar and prediction.")
        var noLegend = false
    }

    /// The top and bottom tile PNGs and the QuPath GeoJSON.
    struct ExportOptions: ParsableArguments {
        @Option(name: .customLong("top-k"), help: "Highest-attention tiles to write as PNGs.")
        var topK = 5

        @Option(name: .customLong("bottom-k"), help: "Lowest-attention tiles to write as PNGs.")
        var bottomK = 5

        @Option(name: .customLong("tile-level"), help: "Pyramid level for tile PNGs (default: the patch file's level, else 0).")
        var tileLevel: Int?

        @Option(name: .customLong("object-type"), help: "QuPath object type in the GeoJSON: tile or detection.")
        var objectType = "tile"

        @Option(name: .customLong("class-name"), help: "QuPath class for high-attention tiles in the GeoJSON (default: none).")
        var className: String?

        @Option(name: .customLong("class-percentile"), help: "Attention percentile 0...100 from which tiles get --class-name.")
        var classPercentile = 90.0

        @Option(name: .customLong("class"), help: "Multi-class predictions: draw this class's attention and probability (default: the predicted class).")
        var attentionClass: String?
    }
}
