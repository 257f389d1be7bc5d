import ArgumentParser
import Bench
import ExtractStage
import Foundation

struct BenchExtractCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "extract",
        abstract: "Benchmark feature extraction: end-to-end tiles/s against pure CNN forward, and peak RSS vs slide size.",
        discussion: """
        Build with -c release. Writes synthetic slides into WORK (kept for reruns; a 40k x 40k slide \
        is about 0.2 GB), gives each a patch file of --max-tiles 256 px patches spread over the whole \
        slide, and extracts them: tiles/s end to end against the backbone's pure forward rate, and \
        peak resident memory per slide size (the same tile count on every size).

        Example:
          slidemil bench extract bench-work --sides 10000,40000,100000 --threads 2
        """
    )

    @Argument(help: "Work folder for the synthetic slides, patch and feature files.")
    var work: String

    @Option(help: "Slide sides in level-0 px, comma-separated.")
    var sides = "10000,40000"

    @Option(name: .customLong("max-tiles"), help: "Tiles extracted per slide (the same for every size).")
    var maxTiles = 128

    @Option(help: "CNN threads.")
    var threads = 2

    @Option(help: "Backbone: resnet50-trunc, resnet50, resnet34, resnet18.")
    var backbone = "resnet50-trunc"

    @Option(name: .customLong("input-size"), help: "CNN input side in px.")
    var inputSize = 224

    @Option(name: .customLong("batch-size"), help: "Tiles per batch.")
    var batchSize = 32

    func run() throws {
        var settings = ExtractSettings()
        guard let chosen = ExtractBackbone(rawValue: backbone) else { throw ValidationError("unknown --backbone \(backbone)") }
        settings.backbone = chosen
        settings.inputSize = inputSize
        settings.batchSize = batchSize
        let sideList = sides.split(separator: ",").compactMap { Int($0) }
        guard !sideList.isEmpty, sideList.allSatisfy({ $0 >= 1024 }), maxTiles > 0, threads > 0 else {
            throw ValidationError("--sides needs sizes of at least 1024; --max-tiles and --threads must be positive")
        }
        let options = ExtractBenchmark.Options(workFolder: URL(fileURLWithPath: work), slideSides: sideList, tiles: maxTiles,
                                               threads: threads, settings: settings)
        try ExtractBenchmark(options: options, log: { print($0) }).run()
    }
}
