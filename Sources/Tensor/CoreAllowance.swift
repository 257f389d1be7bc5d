import Foundation

/// The cores this process may use: a Slurm task's `SLURM_CPUS_PER_TASK` when set (Slurm without
/// CPU binding leaves every core of the node visible, though the job was given only these),
/// else the active processor count.
public enum CoreAllowance {
    /// Cores to size thread pools by, at least 1.
    public static var count: Int { count(environment: ProcessInfo.processInfo.environment) }

    /// `count` for the given environment.
    public static func count(environment: [String: String]) -> Int {
        if let text = environment["SLURM_CPUS_PER_TASK"], let cores = Int(text), cores >= 1 { return cores }
        return max(1, ProcessInfo.processInfo.activeProcessorCount)
    }
}
