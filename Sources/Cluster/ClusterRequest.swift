import Foundation

/// What `slidemil cluster submit` was asked for: the run's inputs and the resources of each job.
/// Saved as `RUN/slurm/request.json` so that `cluster status` and `cluster resubmit` know the
/// run without being told again.
public struct ClusterRequest: Codable, Equatable, Sendable {
    /// The slides: a folder or a slide CSV (absolute path).
    public var slides: String
    /// The labels CSV (absolute path).
    public var labels: String
    /// The run folder (absolute path).
    public var output: String
    /// Array tasks of the tiling-and-extraction job: how many shards the slides are cut into.
    public var arraySize: Int
    /// Slurm partition, or nil for the cluster's default.
    public var partition: String?
    /// Slurm account, or nil for the user's default.
    public var account: String?
    /// Cores per task; the jobs size their threads to `SLURM_CPUS_PER_TASK`.
    public var cpusPerTask: Int
    /// Memory per task as Slurm writes it (`8G`, `16000M`).
    public var memory: String
    /// Wall-time limit per task as Slurm writes it (`4:00:00`, `1-00:00:00`).
    public var time: String
    /// Further `#SBATCH` arguments for every job, e.g. `--qos=long`.
    public var extraArguments: [String]
    /// The `slidemil` executable the jobs run (absolute path, on the shared filesystem).
    public var executable: String

    /// A request; relative paths are made absolute against the current folder, since the jobs
    /// start elsewhere.
    public init(slides: String, labels: String, output: String, arraySize: Int = 4, partition: String? = nil, account: String? = nil,
                cpusPerTask: Int = 4, memory: String = "8G", time: String = "4:00:00", extraArguments: [String] = [],
                executable: String) {
        self.slides = Self.absolute(slides)
        self.labels = Self.absolute(labels)
        self.output = Self.absolute(output)
        self.arraySize = arraySize
        self.partition = partition
        self.account = account
        self.cpusPerTask = cpusPerTask
        self.memory = memory
        self.time = time
        self.extraArguments = extraArguments
        self.executable = Self.absolute(executable)
    }

    /// Checks the numbers and that the inputs exist.
    /// - Throws: `ClusterError.badRequest`.
    public func validate() throws {
        guard (1...10_000).contains(arraySize) else { throw ClusterError.badRequest("--array-size \(arraySize) is outside 1...10000") }
        guard (1...1024).contains(cpusPerTask) else { throw ClusterError.badRequest("--cpus-per-task \(cpusPerTask) is outside 1...1024") }
        for (name, value) in [("--mem", memory), ("--time", time)] where value.isEmpty || value.contains(where: \.isWhitespace) {
            throw ClusterError.badRequest("\(name) '\(value)' is not a Slurm value")
        }
        for path in [slides, labels] where !FileManager.default.fileExists(atPath: path) {
            throw ClusterError.badRequest("\(path): no such file or folder")
        }
        guard FileManager.default.isExecutableFile(atPath: executable) else {
            throw ClusterError.badRequest("\(executable): the slidemil executable for the jobs is not there")
        }
    }

    static func absolute(_ path: String) -> String {
        URL(fileURLWithPath: path).standardizedFileURL.path
    }
}
