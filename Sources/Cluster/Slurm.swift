import Foundation

/// The Slurm client commands a cluster run uses (`sbatch`, `squeue`), found on `PATH`; they
/// read `SLURM_CONF` from the environment like any Slurm client.
public struct Slurm: Sendable {
    /// Environment for the commands (default: this process's).
    public var environment: [String: String]

    public init(environment: [String: String] = ProcessInfo.processInfo.environment) {
        self.environment = environment
    }

    /// Submits `script` with extra sbatch `arguments` (e.g. `--dependency=afterok:12`); returns
    /// the job id.
    /// - Throws: `ClusterError.slurm` with sbatch's message.
    public func submit(script: String, arguments: [String] = []) throws -> String {
        let output = try runTool("sbatch", ["--parsable"] + arguments + [script])
        // --parsable prints `<id>` or `<id>;<cluster>`.
        guard let id = output.split(separator: "\n").last?.split(separator: ";").first.map(String.init), Int(id) != nil else {
            throw ClusterError.slurm(command: "sbatch \(script)", message: "unexpected answer '\(output)'")
        }
        return id
    }

    /// The queued or running jobs (array tasks each on their own line) among `jobIDs`, as
    /// `(id, state, reason)`; jobs Slurm no longer lists are left out.
    /// - Throws: `ClusterError.slurm` when squeue cannot run.
    public func queue(_ jobIDs: [String]) throws -> [(id: String, state: String, reason: String)] {
        guard !jobIDs.isEmpty else { return [] }
        let output = try runTool("squeue", ["--noheader", "--array", "--jobs=" + jobIDs.joined(separator: ","), "--format=%i|%T|%r"], tolerating: "Invalid job id")
        return output.split(separator: "\n").compactMap { line in
            let fields = line.split(separator: "|", omittingEmptySubsequences: false).map(String.init)
            return fields.count == 3 ? (fields[0], fields[1], fields[2]) : nil
        }
    }

    /// Runs a Slurm client; returns its standard output.
    func runTool(_ command: String, _ arguments: [String], tolerating harmless: String? = nil) throws -> String {
        guard let tool = Self.find(command, path: environment["PATH"] ?? "/usr/bin:/bin") else {
            throw ClusterError.slurm(command: command, message: "not found on PATH; run on a Slurm login node")
        }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: tool)
        process.arguments = arguments
        process.environment = environment
        let out = Pipe(), err = Pipe()
        process.standardOutput = out
        process.standardError = err
        try process.run()
        let outData = out.fileHandleForReading.readDataToEndOfFile()
        let errData = err.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        let message = String(decoding: errData, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
        guard process.terminationStatus == 0 || harmless.map({ message.contains($0) }) == true else {
            throw ClusterError.slurm(command: ([command] + arguments).joined(separator: " "),
                                     message: message.isEmpty ? "exit status \(process.terminationStatus)" : message.replacingOccurrences(of: "\n", with: " "))
        }
        return String(decoding: outData, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
    }

    static func find(_ command: String, path: String) -> String? {
        path.split(separator: ":").map { "\($0)/\(command)" }.first { FileManager.default.isExecutableFile(atPath: $0) }
    }
}

extension Slurm {
    /// Cancels `jobIDs`.
    /// - Throws: `ClusterError.slurm` with scancel's message.
    public func cancel(_ jobIDs: [String]) throws {
        guard !jobIDs.isEmpty else { return }
        _ = try runTool("scancel", jobIDs)
    }
}
