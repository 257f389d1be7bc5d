import Foundation
import Store

/// The jobs submitted for a cluster run, oldest first, kept in `RUN/slurm/jobs.csv`
/// (`script,job_id,array,submitted`) so that status and resubmit can ask Slurm about them.
public struct ClusterJobs: Equatable, Sendable {
    /// One submitted job.
    public struct Job: Equatable, Sendable {
        /// The script it runs.
        public var script: SbatchScript
        /// Slurm's job id.
        public var id: String
        /// The array tasks submitted (`0-3`, `1,3`), empty for a plain job.
        public var array: String
        /// When it was submitted (ISO 8601).
        public var submitted: String
    }

    /// The jobs, oldest first.
    public private(set) var jobs: [Job]

    /// The jobs recorded at `path` (none when the file does not exist).
    /// - Throws: `StoreError.malformedCSV`.
    public static func load(from path: String) throws -> ClusterJobs {
        guard FileManager.default.fileExists(atPath: path) else { return ClusterJobs(jobs: []) }
        let table = try CSVTable.read(from: URL(fileURLWithPath: path))
        let columns = ["script", "job_id", "array", "submitted"].map { table.column($0) }
        var jobs: [Job] = []
        for (line, row) in table.rows.enumerated() {
            let field = { (index: Int) in columns[index].map { row[$0] } ?? "" }
            guard let script = SbatchScript(rawValue: field(0)), !field(1).isEmpty else {
                throw StoreError.malformedCSV(path: path, line: line + 2, problem: "not a script name and job id")
            }
            jobs.append(Job(script: script, id: field(1), array: field(2), submitted: field(3)))
        }
        return ClusterJobs(jobs: jobs)
    }

    /// Appends `job` and saves atomically to `path`.
    public mutating func append(_ job: Job, savingTo path: String) throws {
        jobs.append(job)
        var table = CSVTable(header: ["script", "job_id", "array", "submitted"])
        table.rows = jobs.map { [$0.script.rawValue, $0.id, $0.array, $0.submitted] }
        try table.write(to: URL(fileURLWithPath: path))
    }

    /// The latest job of each script.
    public var latest: [SbatchScript: Job] {
        Dictionary(jobs.map { ($0.script, $0) }, uniquingKeysWith: { _, later in later })
    }
}
