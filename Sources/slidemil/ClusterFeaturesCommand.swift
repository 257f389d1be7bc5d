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

    @OptionGroup var worker: ClusterWorkerOptions

    func run() throws {
        do {
            let run = try worker.pipelineRun()
            let shard = try worker.sharding.resolve()
            let result = try run.runFeatures(shard: shard)
            print("\(shard.map { "shard \($0)" } ?? "all slides"): \(result.tiles) tiles, \(result.failures.count) slides failed")
            try result.checked()
        } catch {
            FileHandle.standardError.write(Data("slidemil cluster features: \(ErrorLine.describe(error))\n".utf8))
            throw ExitCode.failure
        }
    }
}
