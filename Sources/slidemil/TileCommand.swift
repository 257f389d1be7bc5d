import ArgumentParser
import Foundation
import RunSupport
import TileStage
import Tiling

struct TileCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "tile",
        abstract: "Find tissue and cut slides into tiles: patches/<id>.h5 (CLAM/TRIDENT coords), masks, stitches.",
        discussion: """
        INPUT is a slide, a folder of slides, or a CSV with a 'path' (or 'slide_path') column and \
        optional 'slide_id' and 'mpp' columns. OUTPUT receives patches/<id>.h5, masks/<id>.png \
        (thumbnail with the tissue outlined), stitches/<id>.png (kept tiles), optionally \
        tiles/<id>/<x>_<y>.png, and process_list.csv (slide_id, status, tiles, seconds, error). \
        Rerunning skips slides already finished with the same settings; a slide that fails gets a \
        failed row and the batch goes on. Exit status 1 when any slide failed.

        Examples:
          slidemil tile slides/ --output runs/study                  # 256 px tiles at 0.5 µm/px
          slidemil tile slides/ --output runs/study --magnification 40 --tile-size 512
          slidemil tile slide.tif --output runs/one --mpp 0.25       # slide without resolution metadata
          slidemil tile slides.csv --output runs/study --verify-tiles --skip-bad-tiles
        """
    )

    @Argument(help: "A slide file, a folder of slides, or a CSV of slides.")
    var input: String

    @Option(name: .shortAndLong, help: "Output folder.")
    var output: String

    @OptionGroup(title: "Resolution and tile grid")
    var grid: GridOptions

    @OptionGroup(title: "Tissue segmentation")
    var segmentation: SegmentationOptions

    @OptionGroup(title: "Reading every tile now")
    var reading: ReadingOptions

    @OptionGroup(title: "Slide reader")
    var slideReading: SlideReadingOptions

    @OptionGroup(title: "Settings")
    var overrides: SettingOverrideOptions

    @OptionGroup(title: "Cluster workers")
    var sharding: ShardOptions

    func validate() throws {
        if grid.targetMpp != nil && grid.magnification != nil { throw ValidationError("give --target-mpp or --magnification, not both") }
        if grid.stride != nil && grid.overlap != 0 { throw ValidationError("give --stride or --overlap, not both") }
        _ = try settings()
    }

    /// The options, then `--set`, over `TileSettings`' defaults; checked.
    func settings() throws -> TileSettings {
        try overrides.settings(from: [grid, segmentation, reading, slideReading], except: ["stride"]) { settings in
            if let stride = grid.stride { settings.grid.overlap = settings.grid.tileSize - stride }
            settings.reading.probe = ChildProcessSlideProbe.forThisExecutable()
        }
    }

    func run() throws {
        let settings = try settings()
        if try overrides.printed(settings) { return }
        let inputs = try SlideEntry.resolve(input)
        let outcomes = try TilePipeline.run(inputs, output: URL(fileURLWithPath: output), settings: settings,
                                           shard: sharding.resolve()) { slide, outcome in
            print(outcome.line(slideID: slide.slideID, verb: "tiled"))
        }
        if outcomes.contains(where: { $0.failure != nil }) { throw ExitCode.failure }
    }
}
