import ArgumentParser
import ExtractStage

/// Each option is named as its `ExtractSettings` key, which gives its help and default.
private let defaults = ExtractSettings()

extension ExtractCommand {
    /// What makes the features: the network, its weights and the input it sees. Part of the
    /// settings fingerprint, so changing any of them re-extracts finished slides.
    struct ModelOptions: ParsableArguments {
        @Option(help: ArgumentHelp(ExtractSettings.help("backbone"), discussion: EncoderTable.summaryLines().joined(separator: "\n")))
        var backbone = defaults.backbone.rawValue

        @Option(help: .setting(ExtractSettings.self, "weights"))
        var weights: String

        @Option(help: .setting(ExtractSettings.self, "seed"))
        var seed = defaults.seed

        @Option(help: .setting(ExtractSettings.self, "baseWidth"))
        var baseWidth = defaults.baseWidth

        @Option(help: .setting(ExtractSettings.self, "inputSize"))
        var inputSize = defaults.inputSize

        @Option(help: .setting(ExtractSettings.self, "tileSize"))
        var tileSize: Int?

        @Option(help: .setting(ExtractSettings.self, "mean", valueName: "r,g,b"))
        var mean: String?

        @Option(help: .setting(ExtractSettings.self, "std", valueName: "r,g,b"))
        var std: String?

        @Option(help: "Stain normalisation of each tile before the encoder: reinhard or macenko (default: none).")
        var stainNormalization: String?

        @Option(help: "PNG tile whose staining the tiles are normalised to (needed for reinhard; macenko defaults to Macenko's reference).")
        var stainReference: String?
    }

    /// How fast and in how much memory; only `--max-tiles` changes what is written.
    struct ThroughputOptions: ParsableArguments {
        @Option(help: .setting(ExtractSettings.self, "batchSize"))
        var batchSize = defaults.batchSize

        @Option(help: .setting(ExtractSettings.self, "readers"))
        var readers = defaults.readers

        @Option(help: .setting(ExtractSettings.self, "queueDepth"))
        var queueDepth = defaults.queueDepth

        @Option(help: .setting(ExtractSettings.self, "threads"))
        var threads: Int?

        @Option(help: .setting(ExtractSettings.self, "maxTiles"))
        var maxTiles: Int?
    }
}
