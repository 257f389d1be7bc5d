import Foundation
import XCTest

/// A single-node Slurm for tests, in a temporary folder: a `slurm.conf` for this host (its
/// cores and memory; `proctrack/linuxproc`, `task/none`, `select/cons_tres`, `SlurmUser=root`),
/// a fresh munge key, and its own `munged`, `slurmctld` and `slurmd` on free ports. `stop()`
/// cancels the jobs and ends exactly the daemons it started, by pid. Needs root (slurmd starts
/// jobs as their user) and Debian's `slurm-wlm` and `munge`.
final class LocalSlurm {
    /// The folder holding the config, state, logs and the munge socket.
    let folder: URL
    /// `slurm.conf`; clients find it through `SLURM_CONF`.
    var config: URL { folder.appendingPathComponent("slurm.conf") }
    /// The node's cores as configured.
    let cores = ProcessInfo.processInfo.activeProcessorCount

    private var pids: [Int32] = []

    /// Starts the daemons and waits until the node takes jobs.
    /// - Throws: `XCTSkip` when not root or Slurm is not installed; an error naming the log
    ///   when a daemon does not come up.
    init() throws {
        guard getuid() == 0 else { throw XCTSkip("the local Slurm needs root (slurmd runs jobs as their user); run the tests as root") }
        for tool in ["/usr/sbin/munged", "/usr/sbin/slurmctld", "/usr/sbin/slurmd", "/usr/bin/sbatch", "/usr/bin/squeue"]
            where !FileManager.default.isExecutableFile(atPath: tool) {
            throw XCTSkip("\(tool) is missing: install slurm-wlm and munge (scripts/install-deps)")
        }
        // Under /tmp rather than the temporary directory: a Unix socket path must stay short.
        folder = URL(fileURLWithPath: "/tmp").appendingPathComponent("slidemil-slurm-\(UUID().uuidString.prefix(8))")
        for name in ["state", "spool", "log", "munge"] {
            try FileManager.default.createDirectory(at: folder.appendingPathComponent(name), withIntermediateDirectories: true)
        }
        try FileManager.default.setAttributes([.posixPermissions: 0o700], ofItemAtPath: folder.appendingPathComponent("munge").path)
        do {
            try startDaemons()
        } catch {
            stop()
            throw error
        }
    }

    private func startDaemons() throws {
        let munge = folder.appendingPathComponent("munge")
        let key = munge.appendingPathComponent("munge.key")
        var bytes = [UInt8](repeating: 0, count: 1024)
        for index in bytes.indices { bytes[index] = UInt8.random(in: 0...255) }
        try Data(bytes).write(to: key)
        try FileManager.default.setAttributes([.posixPermissions: 0o400], ofItemAtPath: key.path)
        let socket = munge.appendingPathComponent("munge.socket").path
        try Self.startDaemon("/usr/sbin/munged", ["--key-file=\(key.path)", "--socket=\(socket)", "--pid-file=\(munge.path)/munged.pid",
                                          "--log-file=\(munge.path)/munged.log", "--seed-file=\(munge.path)/seed", "--force"])
        try recordPID(munge.appendingPathComponent("munged.pid"))

        let host = Self.shortHostName()
        // Leave the system 1 GiB; the node offers the rest.
        let memory = max(1024, Self.memoryMiB() - 1024)
        let controllerPort = Int.random(in: 20_000...40_000)
        let text = """
        ClusterName=slidemiltest
        SlurmctldHost=\(host)
        SlurmUser=root
        SlurmdUser=root
        AuthType=auth/munge
        AuthInfo=socket=\(socket)
        CredType=cred/munge
        SlurmctldPort=\(controllerPort)
        SlurmdPort=\(controllerPort + 1)
        StateSaveLocation=\(folder.path)/state
        SlurmdSpoolDir=\(folder.path)/spool
        SlurmctldPidFile=\(folder.path)/slurmctld.pid
        SlurmdPidFile=\(folder.path)/slurmd.pid
        SlurmctldLogFile=\(folder.path)/log/slurmctld.log
        SlurmdLogFile=\(folder.path)/log/slurmd.log
        ProctrackType=proctrack/linuxproc
        TaskPlugin=task/none
        SelectType=select/cons_tres
        SelectTypeParameters=CR_Core_Memory
        JobAcctGatherType=jobacct_gather/none
        AccountingStorageType=accounting_storage/none
        JobCompType=jobcomp/none
        MpiDefault=none
        ReturnToService=2
        SchedulerType=sched/backfill
        SchedulerParameters=sched_interval=1
        MinJobAge=600
        KillWait=2
        NodeName=\(host) CPUs=\(cores) RealMemory=\(memory) State=UNKNOWN
        PartitionName=test Nodes=\(host) Default=YES MaxTime=INFINITE State=UP

        """
        try Data(text.utf8).write(to: config)
        try Self.startDaemon("/usr/sbin/slurmctld", ["-f", config.path])
        try recordPID(folder.appendingPathComponent("slurmctld.pid"))
        try Self.startDaemon("/usr/sbin/slurmd", ["-f", config.path])
        try recordPID(folder.appendingPathComponent("slurmd.pid"))
        // The node is ready when sinfo calls it idle.
        let deadline = Date().addingTimeInterval(30)
        while Date() < deadline {
            if let state = try? Self.run("/usr/bin/sinfo", ["--noheader", "--format=%t"], environment: environment), state.contains("idle") { return }
            usleep(200_000)
        }
        throw LocalSlurmError.notReady(log: folder.appendingPathComponent("log").path)
    }

    /// The environment for Slurm clients (and `slidemil cluster`) to use this cluster.
    var environment: [String: String] {
        var environment = ProcessInfo.processInfo.environment
        environment["SLURM_CONF"] = config.path
        return environment
    }

    /// Cancels every job, then ends the daemons this object started (by pid), and removes the folder.
    func stop() {
        if pids.count == 3 {
            _ = try? Self.run("/usr/bin/scancel", ["--full", "--user=root"], environment: environment)
            usleep(500_000)
        }
        for pid in pids.reversed() {
            kill(pid, SIGTERM)
            let deadline = Date().addingTimeInterval(10)
            while kill(pid, 0) == 0, Date() < deadline { usleep(50_000) }
            if kill(pid, 0) == 0 { kill(pid, SIGKILL) }
        }
        pids = []
        try? FileManager.default.removeItem(at: folder)
    }

    private func recordPID(_ file: URL) throws {
        let deadline = Date().addingTimeInterval(10)
        while Date() < deadline {
            if let text = try? String(contentsOf: file, encoding: .utf8), let pid = Int32(text.trimmingCharacters(in: .whitespacesAndNewlines)) {
                pids.append(pid)
                return
            }
            usleep(50_000)
        }
        throw LocalSlurmError.notReady(log: file.path)
    }

    /// Starts a daemon and waits for its first process, which forks the daemon and exits. Its
    /// standard streams go to /dev/null: the daemon keeps the descriptors it was given (a pipe
    /// would stay open as long as it lives), and each daemon logs to its own file. Spawned and
    /// reaped directly, since the daemon's parent exits while its child lives on.
    static func startDaemon(_ tool: String, _ arguments: [String]) throws {
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 1, "/dev/null", O_WRONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 2, "/dev/null", O_WRONLY, 0)
        let argv: [UnsafeMutablePointer<CChar>?] = ([tool] + arguments).map { strdup($0) } + [nil]
        defer { argv.forEach { free($0) } }
        var pid: pid_t = 0
        let spawned = posix_spawn(&pid, tool, &actions, nil, argv, environ)
        guard spawned == 0 else {
            throw LocalSlurmError.failed(command: tool, output: String(cString: strerror(spawned)))
        }
        var status: Int32 = 0
        while waitpid(pid, &status, 0) < 0 && errno == EINTR {}
        guard status == 0 else {
            throw LocalSlurmError.failed(command: ([tool] + arguments).joined(separator: " "), output: "wait status \(status)")
        }
    }

    /// Runs a program to its end; returns its stdout.
    /// - Throws: `LocalSlurmError.failed` with its output on a non-zero status.
    @discardableResult
    static func run(_ tool: String, _ arguments: [String], environment: [String: String]? = nil) throws -> String {
        let (status, output) = try BuiltToolRun.run(URL(fileURLWithPath: tool), arguments, environment: environment)
        guard status == 0 else { throw LocalSlurmError.failed(command: ([tool] + arguments).joined(separator: " "), output: output) }
        return output
    }

    static func shortHostName() -> String {
        var buffer = [CChar](repeating: 0, count: 256)
        gethostname(&buffer, buffer.count)
        return String(String(cString: buffer).prefix { $0 != "." })
    }

    static func memoryMiB() -> Int {
        let text = (try? String(contentsOfFile: "/proc/meminfo", encoding: .utf8)) ?? ""
        let line = text.split(separator: "\n").first { $0.hasPrefix("MemTotal:") } ?? ""
        return (Int(line.split(separator: " ").dropFirst().first ?? "") ?? 4_194_304) / 1024
    }
}

enum LocalSlurmError: Error, CustomStringConvertible {
    case notReady(log: String)
    case failed(command: String, output: String)

    var description: String {
        switch self {
        case let .notReady(log): return "the local Slurm did not come up; see \(log)"
        case let .failed(command, output): return "\(command): \(output)"
        }
    }
}
