import ArgumentParser
import Foundation
import Pipeline

/// What an array task of a cluster run is given: the run's pipeline inputs and its shard.
struct ClusterWorkerOptions: ParsableArguments {
    @Option(name: .long, help: "Pipeline config of the run (default: built-in settings).")
    var config: String?

    @Option(name: .long, help: "A folder of slides, or a CSV with a 'path' column.")
    var slides: String

    @Option(name: .long, help: "Labels CSV: slide_id,label[,split], as the run was given; only these slides are processed.")
    var labels: String

    @Option(name: .shortAndLong, help: "Run folder.")
    var output: String

    @OptionGroup(title: "Cluster workers")
    var sharding: ShardOptions

    /// The pipeline run these options name, logging to standard error.
    func pipelineRun() throws -> PipelineRun {
        let settings = try PipelineConfig.load(file: config.map { URL(fileURLWithPath: $0) })
        return PipelineRun(config: settings, slides: slides, labels: labels, output: output) { line in
            FileHandle.standardError.write(Data((line + "\n").utf8))
        }
    }
}
