/// Why a cluster command could not go on.
public enum ClusterError: Error, CustomStringConvertible, Equatable {
    /// Options that cannot make jobs.
    case badRequest(String)
    /// A folder that `cluster submit` did not prepare.
    case notAClusterRun(folder: String)
    /// A Slurm command failed.
    case slurm(command: String, message: String)
    /// Jobs of the run are still queued or running.
    case stillActive(jobs: [String])

    public var description: String {
        switch self {
        case let .badRequest(problem):
            return problem
        case let .notAClusterRun(folder):
            return "\(folder): not a cluster run (no slurm/request.json); start one with 'slidemil cluster submit'"
        case let .slurm(command, message):
            return "\(command) failed: \(message)"
        case let .stillActive(jobs):
            return "jobs \(jobs.joined(separator: ", ")) of this run are still queued or running; wait for them or scancel them first"
        }
    }
}
