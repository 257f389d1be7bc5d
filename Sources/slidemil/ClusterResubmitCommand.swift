import ArgumentParser
import Cluster
import Foundation

struct ClusterResubmitCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "resubmit",
        abstract: "Submit what a cluster run has not finished: the features tasks with unfinished slides, training, the heatmaps tasks with undrawn slides, the summary.",
        discussion: """
        Slides finished by earlier jobs are not redone. Jobs of the run left waiting on a dependency \
        that can no longer be met (after a cancelled task) are cancelled first; while any other job \
        of the run is queued or running, nothing is submitted.
        """
    )

    @Argument(help: "The run folder of 'slidemil cluster submit'.")
    var runFolder: String

    func run() throws {
        do {
            let jobs = try ClusterSubmission.resubmit(ClusterLayout(run: runFolder), slurm: Slurm())
            if jobs.isEmpty { print("\(runFolder): complete, nothing to submit") }
            for job in jobs {
                print("\(job.script.rawValue)\t\(job.id)\(job.array.isEmpty ? "" : "\tarray \(job.array)")")
            }
        } catch {
            FileHandle.standardError.write(Data("slidemil cluster resubmit: \(ErrorLine.describe(error))\n".utf8))
            throw ExitCode.failure
        }
    }
}
