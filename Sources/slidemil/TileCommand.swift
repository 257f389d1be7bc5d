import ArgumentParser
import Foundation
import SlideMILCore
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
        """
    )

    @Argument(help: "A slide file, a folder of slides, or a CSV of slides.")
    var input: String

    @Option(name: .shortAndLong, help: "Output folder.")
    var output: String

    @Option(name: .customLong("target-mpp"), help: "Tile resolution in µm/px (default 0.5, about 20x).")
    var targetMPP: Double?

    @Option(help: "Tile resolution as objective magnification, read as 10/mag µm/px (e.g. 20); instead of --target-mpp.")
    var magnification: Double?

    @Option(name: .customLong("tile-size"), help: "Tile side in px at the target resolution.")
    var tileSize = 256

    @Option(help: "Overlap of neighbouring tiles in px at the target resolution.")
    var overlap = 0

    @Option(help: "Distance between tile origins in px at the target resolution (tile size - overlap); instead of --overlap.")
    var stride: Int?

    @Option(name: .customLong("tissue-threshold"), help: "Minimum tissue fraction of a kept tile, 0...1.")
    var tissueThreshold = 0.5

    @Option(help: "Level-0 µm/px for slides whose metadata lacks or misstates it (a CSV 'mpp' column wins).")
    var mpp: Double?

    @Option(name: .customLong("seg-downsample"), help: "Segmentation downsample wanted; the nearest level is used.")
    var segDownsample = 64.0

    @Option(name: .customLong("seg-max-side"), help: "Longest side of the segmentation image in px.")
    var segMaxSide = 4096

    @Option(name: .customLong("saturation-threshold"), help: "Fixed saturation threshold 0...255 (default: Otsu).")
    var saturationThreshold: Int?

    @Option(name: .customLong("median"), help: "Median blur kernel in segmentation px (odd).")
    var medianKernel = 7

    @Option(name: .customLong("close"), help: "Morphological closing kernel in segmentation px (0 = off).")
    var closingKernel = 4

    @Option(name: .customLong("min-tissue-area"), help: "Smallest tissue piece kept, µm² at level 0 (default 100 × (512 px × 0.25 µm)²).")
    var minTissueArea = 1_638_400.0

    @Option(name: .customLong("min-hole-area"), help: "Holes smaller than this are filled, µm² at level 0.")
    var minHoleArea = 262_144.0

    @Flag(name: .customLong("export-tiles"), help: "Also write every kept tile as a PNG under tiles/<id>/.")
    var exportTiles = false

    @Flag(name: .customLong("verify-tiles"), help: "Read every kept tile without writing it, to find unreadable tiles now (implied by --export-tiles).")
    var verifyTiles = false

    @Option(help: "Reader threads for tile export and verification.")
    var readers = 2

    @Flag(name: .customLong("skip-bad-tiles"), help: "When exporting or verifying, skip unreadable tiles instead of failing the slide.")
    var skipBadTiles = false

    func validate() throws {
        if targetMPP != nil && magnification != nil { throw ValidationError("give --target-mpp or --magnification, not both") }
        if stride != nil && overlap != 0 { throw ValidationError("give --stride or --overlap, not both") }
        if let saturationThreshold, !(0...255).contains(saturationThreshold) {
            throw ValidationError("--saturation-threshold must be in 0...255")
        }
        if readers < 1 { throw ValidationError("--readers must be at least 1") }
        do {
            try settings().grid.validate()
            try settings().segmentation.validate()
        } catch {
            throw ValidationError("\(error)")
        }
    }

    func settings() -> TileSettings {
        var settings = TileSettings()
        if let magnification { settings.grid.target = .magnification(magnification) }
        if let targetMPP { settings.grid.target = .micronsPerPixel(targetMPP) }
        settings.grid.tileSize = tileSize
        settings.grid.overlap = stride.map { tileSize - $0 } ?? overlap
        settings.grid.minTissueFraction = tissueThreshold
        settings.segmentation.targetDownsample = segDownsample
        settings.segmentation.maxSide = segMaxSide
        if let saturationThreshold { settings.segmentation.threshold = .fixed(UInt8(saturationThreshold)) }
        settings.segmentation.medianKernel = medianKernel
        settings.segmentation.closingKernel = closingKernel
        settings.segmentation.minTissueArea = minTissueArea
        settings.segmentation.minHoleArea = minHoleArea
        settings.mppOverride = mpp
        settings.exportTiles = exportTiles
        settings.verifyTiles = verifyTiles
        settings.readers = readers
        settings.badTilePolicy = skipBadTiles ? .skip : .stop
        return settings
    }

    func run() throws {
        let inputs = try TileInput.resolve(input)
        let outcomes = try TilePipeline.run(inputs, output: URL(fileURLWithPath: output), settings: settings(),
                                            progress: ProgressReporter(label: "tiling", unit: "tiles"))
        var failed = 0
        for (input, outcome) in zip(inputs, outcomes) {
            switch outcome {
            case let .tiled(tiles): print("\(input.slideID)\ttiled\t\(tiles)")
            case let .alreadyDone(tiles): print("\(input.slideID)\talready done\t\(tiles)")
            case let .failed(reason):
                failed += 1
                print("\(input.slideID)\tfailed\t\(reason)")
            }
        }
        if failed > 0 { throw ExitCode.failure }
    }
}
