import CBLAS
import Foundation

/// Picks OpenBLAS's CPU kernels when its own detection falls back to a generic core.
///
/// OpenBLAS 0.3.21 does not recognise some AVX-512 Xeons and falls back to its "Prescott"
/// kernels, about 6× slower for sgemm than "SkylakeX" on the same machine. The core is chosen in
/// a library constructor before `main`, from `OPENBLAS_CORETYPE`, so the only fix from inside
/// the process is to re-execute it once with that variable set. A value the user set always wins,
/// and a marker variable prevents a second re-execution.
public enum BLASCoreSelection {
    /// The variable OpenBLAS reads at load time.
    public static let coreTypeVariable = "OPENBLAS_CORETYPE"
    /// Set on the re-executed process so it never re-executes again.
    public static let markerVariable = "SLIDEMIL_BLAS_CORE_SELECTED"
    /// Core names OpenBLAS reports when it did not recognise the CPU (compared case-insensitively).
    public static let genericCores: Set<String> = [
        "prescott", "core2", "katmai", "coppermine", "northwood", "banias", "penryn", "dunnington",
        "nehalem", "atom", "generic", "unknown",
    ]

    /// What start-up should do.
    public enum Decision: Equatable, Sendable {
        /// Run as is.
        case keep
        /// Re-execute with `OPENBLAS_CORETYPE` set to this core.
        case reexecute(coreType: String)
    }

    /// The pure decision.
    /// - Parameters:
    ///   - environment: the process environment.
    ///   - reportedCore: `openblas_get_corename()`.
    ///   - cpuFlags: the `flags` of /proc/cpuinfo.
    public static func decide(environment: [String: String], reportedCore: String, cpuFlags: Set<String>) -> Decision {
        guard environment[coreTypeVariable] == nil, environment[markerVariable] == nil,
              genericCores.contains(reportedCore.lowercased()) else { return .keep }
        if ["avx512f", "avx512bw", "avx512vl", "avx512dq"].allSatisfy(cpuFlags.contains) {
            return .reexecute(coreType: "SkylakeX")
        }
        if cpuFlags.contains("avx2") && cpuFlags.contains("fma") {
            return .reexecute(coreType: "Haswell")
        }
        return .keep
    }

    /// The flags of the first processor in /proc/cpuinfo text (empty when there is none).
    public static func cpuFlags(fromCPUInfo text: String) -> Set<String> {
        for line in text.split(separator: "\n") where line.hasPrefix("flags") {
            guard let colon = line.firstIndex(of: ":") else { continue }
            return Set(line[line.index(after: colon)...].split(separator: " ").map(String.init))
        }
        return []
    }

    /// Applies the decision to this process: returns normally when nothing is to be done or when
    /// re-execution fails (the run then goes on with the slower kernels); otherwise never returns.
    public static func applyAtStartup() {
        let environment = ProcessInfo.processInfo.environment
        guard environment[coreTypeVariable] == nil, environment[markerVariable] == nil else { return }
        let core = openblas_get_corename().map { String(cString: $0) } ?? "unknown"
        guard let info = try? String(contentsOfFile: "/proc/cpuinfo", encoding: .utf8) else { return }
        guard case .reexecute(let coreType) = decide(environment: environment, reportedCore: core, cpuFlags: cpuFlags(fromCPUInfo: info)) else { return }
        setenv(coreTypeVariable, coreType, 1)
        setenv(markerVariable, core, 1)
        execv("/proc/self/exe", CommandLine.unsafeArgv)
        // Only reached when execv failed; undo so child processes see the original environment.
        unsetenv(coreTypeVariable)
        unsetenv(markerVariable)
    }
}
