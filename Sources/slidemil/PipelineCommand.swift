import ArgumentParser
import Foundation
import Pipeline

struct PipelineCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "pipeline",
        abstract: "Run every stage on labelled slides: tile, extract, train with cross-validation, predict held-out slides, heatmaps.",
        discussion: """
        Holds out a stratified share of the labelled slides (predict.heldOutFraction, or the labels' \
        'test' split), cross-validates an attention-MIL model on the rest, predicts the held-out \
        slides with the mean of the fold models (predict.fold) and draws their heatmaps and top tiles. Each stage is its \
        own command's pipeline, so a rerun skips slides already tiled and extracted with the same \
        settings. OUTPUT gets the stages' usual files plus pipeline.yaml (effective config), \
        slides.csv, splits/, train.yaml, train.log and commands.sh: the plain slidemil commands that \
        redo each stage alone. Without --config the built-in defaults are used (each command's own, \
        with random-init extraction weights); configs/camelyon16.yaml is a start for real slides.

        Example: slidemil pipeline --config configs/camelyon16.yaml --slides slides/ --labels labels.csv \
        --output runs/camelyon16 --set extract.weights=resnet50.safetensors
        """
    )

    @Option(name: .long, help: "YAML config with sections tile, extract, train, predict, heatmap (default: built-in settings).")
    var config: String?

    @Option(name: .customLong("set"), help: "Override one setting, e.g. --set train.folds=3 (repeatable).")
    var overrides: [String] = []

    @Option(name: .long, help: "A folder of slides, or a CSV with a 'path' column (as for 'slidemil tile').")
    var slides: String

    @Option(name: .long, help: "Labels CSV: slide_id,label[,split]; only these slides are processed.")
    var labels: String

    @Option(name: .shortAndLong, help: "Output folder.")
    var output: String = "runs/pipeline"

    @Flag(name: .customLong("no-heatmaps"), help: "Stop after the held-out predictions; draw the heatmaps later with 'slidemil cluster heatmaps' (a cluster run's array job).")
    var noHeatmaps = false

    func run() throws {
        let report: PipelineReport
        do {
            let settings = try PipelineConfig.load(file: config.map { URL(fileURLWithPath: $0) }, overrides: overrides)
            var run = PipelineRun(config: settings, slides: slides, labels: labels, output: output) { line in
                FileHandle.standardError.write(Data((line + "\n").utf8))
            }
            run.drawsHeatmaps = !noHeatmaps
            report = try run.run()
        } catch {
            FileHandle.standardError.write(Data("slidemil pipeline: \(ErrorLine.describe(error))\n".utf8))
            throw ExitCode.failure
        }
        print(PipelineSummary.table(report))
        print("\nEach stage alone (also in \(report.layout.commands)):")
        report.commands.forEach { print("  \($0)") }
        guard report.failures.isEmpty else {
            FileHandle.standardError.write(Data(("slidemil pipeline: \(report.failures.count) slide(s) failed and were left out:\n"
                + report.failures.map { "  \($0.description) (see \($0.processList))\n" }.joined()).utf8))
            throw ExitCode.failure
        }
    }
}
