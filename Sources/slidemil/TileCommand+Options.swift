import ArgumentParser
import TileStage

/// Each option is named as its `TileSettings` key, which gives its help and default.
private let defaults = TileSettings()

extension TileCommand {
    /// Where tiles go: the slide's and the tiles' resolution, tile size, spacing, and how much
    /// tissue a kept tile needs.
    struct GridOptions: ParsableArguments {
        @Option(help: .setting(TileSettings.self, "mpp"))
        var mpp: Double?

        @Option(help: .setting(TileSettings.self, "targetMpp"))
        var targetMpp: Double?

        @Option(help: .setting(TileSettings.self, "magnification"))
        var magnification: Double?

        @Option(help: .setting(TileSettings.self, "tileSize"))
        var tileSize = defaults.grid.tileSize

        @Option(help: .setting(TileSettings.self, "overlap"))
        var overlap = defaults.grid.overlap

        @Option(help: "Distance between tile origins in px at the target resolution (tile size - overlap); instead of --overlap.")
        var stride: Int?

        @Option(help: .setting(TileSettings.self, "tissueThreshold"))
        var tissueThreshold = defaults.grid.minTissueFraction
    }

    /// How tissue is told from background on a low-resolution image of the slide (CLAM's defaults).
    struct SegmentationOptions: ParsableArguments {
        @Option(help: .setting(TileSettings.self, "segDownsample"))
        var segDownsample = defaults.segmentation.targetDownsample

        @Option(help: .setting(TileSettings.self, "segMaxSide"))
        var segMaxSide = defaults.segmentation.maxSide

        @Option(help: .setting(TileSettings.self, "saturationThreshold", valueName: "otsu|0...255"))
        var saturationThreshold = TileSettings.SaturationThreshold.otsu.commandLineText

        @Option(help: .setting(TileSettings.self, "median"))
        var median = defaults.segmentation.medianKernel

        @Option(help: .setting(TileSettings.self, "close"))
        var close = defaults.segmentation.closingKernel

        @Option(help: .setting(TileSettings.self, "minTissueArea"))
        var minTissueArea = defaults.segmentation.minTissueArea

        @Option(help: .setting(TileSettings.self, "minHoleArea"))
        var minHoleArea = defaults.segmentation.minHoleArea
    }

    /// Optional reading of every kept tile while tiling, to export them or find unreadable ones.
    struct ReadingOptions: ParsableArguments {
        @Flag(help: .setting(TileSettings.self, "exportTiles"))
        var exportTiles = false

        @Flag(help: .setting(TileSettings.self, "verifyTiles"))
        var verifyTiles = false

        @Option(help: .setting(TileSettings.self, "readers"))
        var readers = defaults.readers

        @Flag(help: .setting(TileSettings.self, "skipBadTiles"))
        var skipBadTiles = false
    }
}
