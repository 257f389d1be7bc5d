import ArgumentParser
import ExtractStage

/// Defaults come from the library settings, so the help, YAML and library never disagree.
private let defaults = ExtractSettings()

extension ExtractCommand {
    /// What makes the features: the network, its weights and the input it sees. Part of the
    /// settings fingerprint, so changing any of them re-extracts finished slides.
    struct ModelOptions: ParsableArguments {
        @Option(help: "Backbone: resnet50-trunc (CLAM's 1024-wide default), resnet50, resnet34, resnet18.")
        var backbone = "resnet50-trunc"

        @Option(help: "Safetensors weights with torchvision names, or 'none' for a seeded random initialisation (demos and tests only).")
        var weights: String

        @Option(help: "Seed of the random initialisation with --weights none.")
        var seed = defaults.seed

        @Option(name: .customLong("base-width"), help: "Backbone base width (64 = torchvision; smaller for quick demos with --weights none).")
        var baseWidth = defaults.baseWidth

        @Option(name: .customLong("input-size"), help: "Side in px of the images fed to the CNN; patches are resized to it.")
        var inputSize = defaults.inputSize

        @Option(name: .customLong("tile-size"), help: "Expected patch side at the target resolution; a patch file that disagrees fails the slide.")
        var tileSize: Int?

        @Option(help: "Normalisation mean R,G,B on the 0...1 scale (default ImageNet's).")
        var mean: String?

        @Option(help: "Normalisation std R,G,B (default ImageNet's).")
        var std: String?
    }

    /// How fast and in how much memory; only `--max-tiles` changes what is written.
    struct ThroughputOptions: ParsableArguments {
        @Option(name: .customLong("batch-size"), help: "Tiles per CNN batch.")
        var batchSize = defaults.batchSize

        @Option(help: "Tile reader threads.")
        var readers = defaults.readers

        @Option(name: .customLong("queue-depth"), help: "Batches read ahead of the CNN.")
        var queueDepth = defaults.queueDepth

        @Option(help: "Cores for the CNN (default: all).")
        var threads: Int?

        @Option(name: .customLong("max-tiles"), help: "Process at most this many patches per slide (benchmarks; part of the settings fingerprint).")
        var maxTiles: Int?
    }
}
