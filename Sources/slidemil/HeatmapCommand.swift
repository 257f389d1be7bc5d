import ArgumentParser
import Foundation
import Heatmap
import HeatmapStage
import RunSupport

struct HeatmapCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "heatmap",
        abstract: "Draw a slide's attention: heatmap PNG with legend, top/bottom tiles, QuPath GeoJSON.",
        discussion: """
        SCORES is attention/<slide_id>.h5 from 'slidemil predict' (coords N x 2 at level 0, attention N, \
        attributes patch_size_level0 and probability), or a feature .h5 with an 'attention' dataset. \
        OUTPUT receives <id>_heatmap.png, <id>.geojson (File > Import objects in QuPath), \
        top_tiles/<id>/ and bottom_tiles/<id>/ (CLAM names <rank>_<id>_x_<x>_y_<y>_a_<score>.png), \
        and the slide's row in process_list_heatmap.csv (processed, or failed with the reason; exit status 1). \
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

    @OptionGroup(title: "Settings")
    var overrides: SettingOverrideOptions

    func validate() throws {
        _ = try settings()
    }

    /// The options, then `--set`, over `HeatmapSettings`' defaults; checked.
    func settings() throws -> HeatmapSettings {
        try overrides.settings(from: [picture, export])
    }

    /// Draws the slide as a batch of one through `SlideBatchRunner`, like every per-slide stage:
    /// the output folder is locked and the slide gets a row in its `process_list_heatmap.csv`.
    func run() throws {
        let settings = try settings()
        if try overrides.printed(settings) { return }
        let entry = SlideEntry(path: slide, slideID: slideID)
        let scoresURL = URL(fileURLWithPath: scores), patchesURL = patches.map { URL(fileURLWithPath: $0) }
        let stage = HeatmapBatch(settings: settings, scores: { _ in scoresURL }, patches: { _ in patchesURL }, output: URL(fileURLWithPath: output))
        let outcome = try SlideBatchRunner(slides: [entry], output: stage.output, showProgress: false).run(stage)[0]
        if let reason = outcome.failure {
            FileHandle.standardError.write(Data("slidemil heatmap: \(reason)\n".utf8))
            throw ExitCode.failure
        }
        let layout = RunLayout(root: output)
        print(layout.heatmapPicture(entry.slideID).path)
        print(layout.geoJSONFile(entry.slideID).path)
        let count = { (kind: String) in
            (try? FileManager.default.contentsOfDirectory(atPath: layout.exampleTilesFolder(kind, entry.slideID).path).count) ?? 0
        }
        print("\(count("top_tiles")) top and \(count("bottom_tiles")) bottom tiles")
    }
}
