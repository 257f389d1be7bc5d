import ArgumentParser
import Foundation
import Pipeline

struct ClusterHeatmapsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "heatmaps",
        abstract: "Draw one shard of a pipeline run's heatmaps (what each heatmaps.sbatch task runs).",
        discussion: """
        After training and prediction ('slidemil pipeline --no-heatmaps', the train job): the \
        heatmaps 'slidemil pipeline' would draw, of the held-out slides with an attention file, \
        with the config's heatmap settings, for the shard of --shard or of the Slurm array task \
        (balanced by slide file size). Workers share OUTPUT/heatmaps and claim each slide; a slide \
        whose picture is already drawn from its current attention file is not redrawn. 'slidemil \
        heatmap' draws a single slide from any attention file. Exit status 1 when a slide failed.

        Example: slidemil cluster heatmaps --config run.yaml --slides slides/ --labels labels.csv --output runs/c16 --shard 2/8
        """
    )

    @OptionGroup var worker: ClusterWorkerOptions

    func run() throws {
        do {
            let run = try worker.pipelineRun()
            let shard = try worker.sharding.resolve()
            let result = try run.runHeatmaps(shard: shard)
            print("\(shard.map { "shard \($0)" } ?? "all slides"): \(result.pictures.count) heatmaps, \(result.failures.count) slides failed")
            result.pictures.forEach { print($0.path) }
            if let first = result.failures.first {
                throw PipelineError.stageFailed(stage: "heatmap",
                                                failures: Dictionary(result.failures.map { ($0.slideID, $0.reason) }, uniquingKeysWith: { first, _ in first }),
                                                processList: first.processList)
            }
        } catch {
            FileHandle.standardError.write(Data("slidemil cluster heatmaps: \(ErrorLine.describe(error))\n".utf8))
            throw ExitCode.failure
        }
    }
}
