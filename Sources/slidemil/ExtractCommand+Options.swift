import ArgumentParser
import ExtractStage

/// Defaults come from the library settings, so the help, YAML and library never disagree.
private let defaults = ExtractSettings()

extension ExtractCommand {
    /// What makes the features: the network, its weights and the input it sees. Part of the
    /// settings fingerprint, so changing any of them re-extracts finished slides.
    struct ModelOptions: ParsableArguments {
        @Option(help: ArgumentHelp("Encoder (see 'slidemil encoders'):", discussion: EncoderTable.summaryLines().joined(separator: "\n")))
        var backbone = "resnet50-trunc"

        @Option(help: "Safetensors weights (torchvision names for ResNets, timm names for ViTs), or 'none' for a seeded random ResNet (demos and tests only).")
        var weights: String

        @Option(help: "Seed of the random initialisation with --weights none.")
        var seed = defaults.seed

        @Option(name: .customLong("base-width"), help: "Backbone base width (64 = torchvision; smaller for quick demos with --weights none).")
        var baseWidth = defaults.baseWidth

        @Option(name: .customLong("input-size"), help: "Side in px of the images fed to the encoder; patches are resized to it (default: the encoder's, 224 for ResNets; ViTs interpolate their position embeddings).")
        var inputSize: Int?

        @Option(name: .customLong("tile-size"), help: "Expected patch side at the target resolution; a patch file that disagrees fails the slide.")
        var tileSize: Int?

        @Option(help: "Normalisation mean R,G,B on the 0...1 scale (default: the encoder's, ImageNet's for ResNets).")
        var mean: String?

        @Option(help: "Normalisation std R,G,B (default: the encoder's, ImageNet's for ResNets).")
        var std: String?

        @Option(name: .customLong("stain-normalization"), help: "Stain normalisation of each tile before the encoder: reinhard or macenko (default: none).")
        var stainNormalization: String?

        @Option(name: .customLong("stain-reference"), help: "PNG tile whose staining the tiles are normalised to (needed for reinhard; macenko defaults to Macenko's reference).")
        var stainReference: String?
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
