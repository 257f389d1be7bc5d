import Foundation

/// Where a cluster run keeps its Slurm files: `RUN/slurm/` with the scripts, `request.json`,
/// `config.yaml` (the effective pipeline config every job reads), `jobs.csv` (every submission)
/// and `logs/`.
public struct ClusterLayout: Sendable {
    /// The run folder.
    public let run: String

    public init(run: String) {
        self.run = run
    }

    /// `RUN/slurm`.
    public var folder: String { (run as NSString).appendingPathComponent("slurm") }
    /// The saved request.
    public var request: String { path("request.json") }
    /// The pipeline config the jobs read.
    public var config: String { path("config.yaml") }
    /// The submitted jobs, one row per job.
    public var jobs: String { path("jobs.csv") }
    /// The jobs' standard output and error.
    public var logs: String { path("logs") }
    /// The summary job's report.
    public var summary: String { path("summary.txt") }

    /// A script's path.
    public func script(_ script: SbatchScript) -> String { path(script.fileName) }

    private func path(_ name: String) -> String { (folder as NSString).appendingPathComponent(name) }
}
