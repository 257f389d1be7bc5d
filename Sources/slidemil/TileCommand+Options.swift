import ArgumentParser
import TileStage
import Tiling

/// Defaults come from the library settings, so the help, YAML and library never disagree.
private let gridDefaults = TileGridParameters()
private let segmentationDefaults = TissueSegmentationParameters()

extension TileCommand {
    /// Where tiles go: the slide's and the tiles' resolution, tile size, spacing, and how much
    /// tissue a kept tile needs.
    struct GridOptions: ParsableArguments {
        @Option(help: "Level-0 µm/px for slides whose metadata lacks or misstates it (a CSV 'mpp' column wins).")
        var mpp: Double?

        @Option(name: .customLong("target-mpp"), help: "Tile resolution in µm/px (default 0.5, about 20x).")
        var targetMPP: Double?

        @Option(help: "Tile resolution as objective magnification, read as 10/mag µm/px (e.g. 20); instead of --target-mpp.")
        var magnification: Double?

        @Option(name: .customLong("tile-size"), help: "Tile side in px at the target resolution.")
        var tileSize = gridDefaults.tileSize

        @Option(help: "Overlap of neighbouring tiles in px at the target resolution.")
        var overlap = gridDefaults.overlap

        @Option(help: "Distance between tile origins in px at the target resolution (tile size - overlap); instead of --overlap.")
        var stride: Int?

        @Option(name: .customLong("tissue-threshold"), help: "Minimum tissue fraction of a kept tile, 0...1.")
        var tissueThreshold = gridDefaults.minTissueFraction
    }

    /// How tissue is told from background on a low-resolution image of the slide (CLAM's defaults).
    struct SegmentationOptions: ParsableArguments {
        @Option(name: .customLong("seg-downsample"), help: "Segmentation downsample wanted; the nearest level is used.")
        var segDownsample = segmentationDefaults.targetDownsample

        @Option(name: .customLong("seg-max-side"), help: "Longest side of the segmentation image in px.")
        var segMaxSide = segmentationDefaults.maxSide

        @Option(name: .customLong("saturation-threshold"), help: "Fixed saturation threshold 0...255 (default: Otsu).")
        var saturationThreshold: Int?

        @Option(name: .customLong("median"), help: "Median blur kernel in segmentation px (odd).")
        var medianKernel = segmentationDefaults.medianKernel

        @Option(name: .customLong("close"), help: "Morphological closing kernel in segmentation px (0 = off).")
        var closingKernel = segmentationDefaults.closingKernel

        @Option(name: .customLong("min-tissue-area"), help: "Smallest tissue piece kept, µm² at level 0 (100 × (512 px × 0.25 µm)²).")
        var minTissueArea = segmentationDefaults.minTissueArea

        @Option(name: .customLong("min-hole-area"), help: "Holes smaller than this are filled, µm² at level 0 (16 × (512 px × 0.25 µm)²).")
        var minHoleArea = segmentationDefaults.minHoleArea
    }

    /// Optional reading of every kept tile while tiling, to export them or find unreadable ones.
    struct ReadingOptions: ParsableArguments {
        @Flag(name: .customLong("export-tiles"), help: "Also write every kept tile as a PNG under tiles/<id>/.")
        var exportTiles = false

        @Flag(name: .customLong("verify-tiles"), help: "Read every kept tile without writing it, to find unreadable tiles now (implied by --export-tiles).")
        var verifyTiles = false

        @Option(help: "Reader threads for tile export and verification.")
        var readers = TileSettings().readers

        @Flag(name: .customLong("skip-bad-tiles"), help: "When exporting or verifying, skip unreadable tiles instead of failing the slide.")
        var skipBadTiles = false
    }
}
