import ArgumentParser

extension PredictCommand {
    /// Which slides are predicted: feature files, or slides tiled and extracted first.
    struct InputOptions: ParsableArguments {
        @Option(name: .long, help: "Folder of <slide_id>.h5 feature files (ignored with --from-slides).")
        var features: String = "features"

        @Option(name: .long, help: "Slides to predict: CSV with slide_id or one id per line (default: every .h5 in --features).")
        var slides: String?

        @Option(name: .customLong("from-slides"), help: "A slide file, folder or slide CSV to tile and extract first, then predict.")
        var fromSlides: String?

        @Option(name: .long, help: "Pipeline config whose tile and extract sections --from-slides uses (default: the run's pipeline.yaml).")
        var config: String?

        @Option(name: .customLong("set"), help: "Override one setting of --config, e.g. --set extract.threads=2 (repeatable).")
        var overrides: [String] = []
    }
}
