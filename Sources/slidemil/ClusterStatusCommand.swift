import ArgumentParser
import Cluster
import Foundation

struct ClusterStatusCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "status",
        abstract: "Show a cluster run per stage: slides done, failed, running, pending; failed slides' errors; its queued jobs.",
        discussion: "Exit status 0 when the run is complete, 1 otherwise (or on an error), so scripts can wait on it."
    )

    @Argument(help: "The run folder of 'slidemil cluster submit'.")
    var runFolder: String

    func run() throws {
        let status: ClusterStatus
        do {
            status = try ClusterStatus.read(run: runFolder, slurm: Slurm())
        } catch {
            FileHandle.standardError.write(Data("slidemil cluster status: \(ErrorLine.describe(error))\n".utf8))
            throw ExitCode.failure
        }
        print(status.report)
        if !status.isComplete { throw ExitCode.failure }
    }
}
