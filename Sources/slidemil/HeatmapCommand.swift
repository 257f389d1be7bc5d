import ArgumentParser
import Foundation
import Heatmap
import SlideMILCore

struct HeatmapCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "heatmap",
        abstract: "Draw a slide's attention: heatmap PNG with legend, top/bottom tiles, QuPath GeoJSON.",
        discussion: """
        SCORES is attention/<slide_id>.h5 from 'slidemil predict' (coords N x 2 at level 0, attention N, \
        attributes patch_size_level0 and probability), or a feature .h5 with an 'attention' dataset. \
        OUTPUT receives <id>_heatmap.png, <id>.geojson (File > Import objects in QuPath), \
        top_tiles/<id>/ and bottom_tiles/<id>/ (CLAM names <rank>_<id>_x_<x>_y_<y>_a_<score>.png).

        Examples:
          slidemil heatmap slides/s01.tif predictions/attention/s01.h5 --output heatmaps
          slidemil heatmap slides/s01.tif predictions/attention/s01.h5 --output heatmaps --colormap viridis --sigma 2 --max-side 4096
        """
    )

    @Argument(help: "The slide file.")
    var slide: String

    @Argument(help: "The attention scores .h5.")
    var scores: String

    @Option(name: .shortAndLong, help: "Output folder.")
    var output: String

    @Option(help: "Patch file giving tile size and level when the scores file lacks them.")
    var patches: String?

    @Option(name: .customLong("slide-id"), help: "Name used in output files (default: slide file name without extension).")
    var slideID: String?

    @Option(name: .customLong("max-side"), help: "Longer side of the heatmap in px (default 2048).")
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

    func validate() throws {
        _ = try settings()
    }

    func settings() throws -> HeatmapSettings {
        var settings = HeatmapSettings()
        settings.canvas = level.map { .level($0) } ?? .maximumSide(maxSide)
        guard let normalization = ScoreNormalization(rawValue: normalization) else {
            throw ValidationError("--normalization must be percentile or minmax")
        }
        guard let colormap = Colormap(rawValue: colormap) else { throw ValidationError("--colormap must be jet or viridis") }
        guard let overlap = AttentionRaster.OverlapRule(rawValue: overlap) else { throw ValidationError("--overlap must be average or last") }
        guard let objectType = TileGeoJSON.ObjectType(rawValue: objectType) else {
            throw ValidationError("--object-type must be tile or detection")
        }
        settings.normalization = normalization
        settings.colormap = colormap
        settings.overlap = overlap
        settings.geoJSONObjectType = objectType
        settings.alpha = alpha
        settings.smoothingSigma = sigma
        settings.tissueOnly = !everywhere
        settings.legend = !noLegend
        settings.topK = topK
        settings.bottomK = bottomK
        settings.tileLevel = tileLevel
        settings.highAttentionClass = className
        settings.highAttentionPercentile = classPercentile
        do { try settings.validate() } catch { throw ValidationError("\(error)") }
        return settings
    }

    func run() throws {
        let outputs = try HeatmapPipeline.run(
            slidePath: slide, scoresURL: URL(fileURLWithPath: scores), patchesURL: patches.map { URL(fileURLWithPath: $0) },
            output: URL(fileURLWithPath: output), slideID: slideID, settings: settings())
        print(outputs.heatmap.path)
        print(outputs.geoJSON.path)
        print("\(outputs.topTiles.count) top and \(outputs.bottomTiles.count) bottom tiles")
    }
}
