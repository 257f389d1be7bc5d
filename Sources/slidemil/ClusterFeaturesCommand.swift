import ArgumentParser
import Foundation
import Pipeline

struct ClusterFeaturesCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "features",
        abstract: "Tile and extract one shard of a pipeline run's labelled slides (what each features.sbatch task runs).",
        discussion: """
        The same tiling and extraction as 'slidemil pipeline' with these options, for the shard of \
        --shard or of the Slurm array task; workers share OUTPUT and never process one slide twice. \
        Exit status 1 when a slide of the shard failed.
        """
    )

    @Option(name: .long, help: "Pipeline config (default: built-in settings).")
    var config: String?

    @Option(name: .long, help: "A folder of slides, or a CSV with a 'path' column.")
    var slides: String

    @Option(name: .long, help: "Labels CSV: slide_id,label[,split]; only these slides are processed.")
    var labels: String

    @Option(name: .shortAndLong, help: "Run folder.")
    var output: String

    @OptionGroup(title: "Cluster workers")
    var sharding: ShardOptions

    func run() throws {
        do {
            let settings = try PipelineConfig.load(file: config.map { URL(fileURLWithPath: $0) })
            let run = PipelineRun(config: settings, slides: slides, labels: labels, output: output) { line in
                FileHandle.standardError.write(Data((line + "\n").utf8))
            }
            let shard = try sharding.resolve()
            let result = try run.runFeatures(shard: shard)
            print("\(shard.map { "shard \($0)" } ?? "all slides"): \(result.tiles) tiles, \(result.failures.count) slides failed")
            try result.checked()
        } catch {
            FileHandle.standardError.write(Data("slidemil cluster features: \(ErrorLine.describe(error))\n".utf8))
            throw ExitCode.failure
        }
    }
}
