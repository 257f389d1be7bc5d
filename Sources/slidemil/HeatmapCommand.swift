import ArgumentParser
import Foundation
import Heatmap
import HeatmapStage

struct HeatmapCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "heatmap",
        abstract: "Draw a slide's attention: heatmap PNG with legend, top/bottom tiles, QuPath GeoJSON.",
        discussion: """
        SCORES is attention/<slide_id>.h5 from 'slidemil predict' (coords N x 2 at level 0, attention N, \
        attributes patch_size_level0 and probability), or a feature .h5 with an 'attention' dataset. \
        OUTPUT receives <id>_heatmap.png, <id>.geojson (File > Import objects in QuPath), \
        top_tiles/<id>/ and bottom_tiles/<id>/ (CLAM names <rank>_<id>_x_<x>_y_<y>_a_<score>.png). \
        Multi-class predictions draw the predicted class; --class NAME draws NAME's attention where the \
        head has one per class (clam_mb, dsmil), and NAME's probability in the legend.

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

    @Option(help: "The tile run's patch file: its tissue segmentation settings, and the tile size and level when the scores file lacks them.")
    var patches: String?

    @Option(name: .customLong("slide-id"), help: "Name used in output files (default: slide file name without extension).")
    var slideID: String?

    @OptionGroup(title: "Picture")
    var picture: PictureOptions

    @OptionGroup(title: "Tiles and QuPath export")
    var export: ExportOptions

    func validate() throws {
        _ = try settings()
    }

    func settings() throws -> HeatmapSettings {
        var settings = HeatmapSettings()
        settings.canvas = picture.level.map { .level($0) } ?? .maximumSide(picture.maxSide)
        guard let normalization = ScoreNormalization(rawValue: picture.normalization) else {
            throw ValidationError("--normalization must be percentile or minmax")
        }
        guard let colormap = Colormap(rawValue: picture.colormap) else { throw ValidationError("--colormap must be jet or viridis") }
        guard let overlap = AttentionRaster.OverlapRule(rawValue: picture.overlap) else { throw ValidationError("--overlap must be average or last") }
        guard let objectType = TileGeoJSON.ObjectType(rawValue: export.objectType) else {
            throw ValidationError("--object-type must be tile or detection")
        }
        settings.normalization = normalization
        settings.colormap = colormap
        settings.overlap = overlap
        settings.geoJSONObjectType = objectType
        settings.alpha = picture.alpha
        settings.smoothingSigma = picture.sigma
        settings.tissueOnly = !picture.everywhere
        settings.legend = !picture.noLegend
        settings.topK = export.topK
        settings.bottomK = export.bottomK
        settings.tileLevel = export.tileLevel
        settings.highAttentionClass = export.className
        settings.highAttentionPercentile = export.classPercentile
        settings.attentionClass = export.attentionClass
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
