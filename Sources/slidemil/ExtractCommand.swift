import ArgumentParser
import Foundation
import SlideMILCore

struct ExtractCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "extract",
        abstract: "Run a CNN over every patch of each slide: features/<id>.h5 (CLAM/TRIDENT layout).",
        discussion: """
        INPUT is a slide, a folder of slides, or a CSV (as for 'slidemil tile'). Patch files are read \
        from --patches (default OUTPUT/patches; SlideMIL's, CLAM's or TRIDENT's). Each patch \
        (patch_size px at patch_level) is resized to --input-size, normalised and fed to the backbone; \
        OUTPUT/features/<id>.h5 gets 'features' (float32 N x D) and 'coords' (int64 N x 2, patch-file \
        order) with the backbone, weights file and SHA-256, sizes, mpp and normalisation as attributes. \
        Rerunning skips slides already finished with the same settings; a slide that fails gets a \
        failed row in OUTPUT/process_list_extract.csv and the batch goes on. Exit status 1 when any \
        slide failed. Memory: about (queue-depth + 1) x batch-size tiles plus the CNN's workspace, \
        whatever the slide size.
        """
    )

    @Argument(help: "A slide file, a folder of slides, or a CSV of slides.")
    var input: String

    @Option(name: .shortAndLong, help: "Output folder (features/ and the process list go here).")
    var output: String

    @Option(help: "Folder of patch files <slide_id>.h5 (default OUTPUT/patches).")
    var patches: String?

    @Option(help: "Backbone: resnet50-trunc (CLAM's 1024-wide default), resnet50, resnet34, resnet18.")
    var backbone = "resnet50-trunc"

    @Option(help: "Safetensors weights with torchvision names, or 'none' for a seeded random initialisation (demos and tests only).")
    var weights: String

    @Option(help: "Seed of the random initialisation with --weights none.")
    var seed: UInt64 = 0

    @Option(name: .customLong("base-width"), help: "Backbone base width (64 = torchvision; smaller for quick demos with --weights none).")
    var baseWidth = 64

    @Option(name: .customLong("input-size"), help: "Side in px of the images fed to the CNN; patches are resized to it.")
    var inputSize = 224

    @Option(name: .customLong("tile-size"), help: "Expected patch side at the target resolution; a patch file that disagrees fails the slide.")
    var tileSize: Int?

    @Option(help: "Normalisation mean R,G,B on the 0...1 scale (default ImageNet's).")
    var mean: String?

    @Option(help: "Normalisation std R,G,B (default ImageNet's).")
    var std: String?

    @Option(name: .customLong("batch-size"), help: "Tiles per CNN batch.")
    var batchSize = 32

    @Option(help: "Tile reader threads.")
    var readers = 2

    @Option(name: .customLong("queue-depth"), help: "Batches read ahead of the CNN.")
    var queueDepth = 2

    @Option(help: "Cores for the CNN (default: all).")
    var threads: Int?

    @Option(name: .customLong("max-tiles"), help: "Process at most this many patches per slide (benchmarks).")
    var maxTiles: Int?

    func settings() throws -> ExtractSettings {
        var settings = ExtractSettings()
        guard let chosen = ExtractBackbone(rawValue: backbone) else {
            throw ValidationError("--backbone must be one of \(ExtractBackbone.allCases.map(\.rawValue).joined(separator: ", "))")
        }
        settings.backbone = chosen
        settings.weights = weights == "none" ? nil : weights
        settings.seed = seed
        settings.baseWidth = baseWidth
        settings.inputSize = inputSize
        settings.tileSize = tileSize
        if let mean { settings.mean = try Self.triple(mean, name: "--mean") }
        if let std { settings.std = try Self.triple(std, name: "--std") }
        settings.batchSize = batchSize
        settings.readers = readers
        settings.queueDepth = queueDepth
        if let threads { settings.workers = threads }
        settings.maxTiles = maxTiles
        do { try settings.validate() } catch { throw ValidationError("\(error)") }
        return settings
    }

    private static func triple(_ text: String, name: String) throws -> [Float] {
        let values = text.split(separator: ",").compactMap { Float($0.trimmingCharacters(in: .whitespaces)) }
        guard values.count == 3 else { throw ValidationError("\(name) needs three comma-separated numbers (R,G,B)") }
        return values
    }

    func validate() throws { _ = try settings() }

    func run() throws {
        let settings = try settings()
        let inputs = try TileInput.resolve(input)
        let model = try ExtractModel(settings: settings)
        if model.isRandom {
            FileHandle.standardError.write(Data("warning: --weights none: \(model.weightsLabel) backbone; the features are meaningless (demos and tests only)\n".utf8))
        }
        let outcomes = try ExtractPipeline.run(inputs, output: URL(fileURLWithPath: output),
                                               patches: patches.map { URL(fileURLWithPath: $0) }, model: model, settings: settings)
        var failed = 0
        for (input, outcome) in zip(inputs, outcomes) {
            switch outcome {
            case let .extracted(tiles): print("\(input.slideID)\textracted\t\(tiles)")
            case let .alreadyDone(tiles): print("\(input.slideID)\talready done\t\(tiles)")
            case let .failed(reason):
                failed += 1
                print("\(input.slideID)\tfailed\t\(reason)")
            }
        }
        if failed > 0 { throw ExitCode.failure }
    }
}
