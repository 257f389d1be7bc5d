import Foundation
import SlideIO

/// Opens a slide first in a short-lived child process (`slidemil probe-slide PATH`, which opens
/// it and reads a small region of every level) with a time limit, so a file that makes a
/// library crash or hang fails alone instead of taking the run down.
///
/// Used for files SlideMIL cannot check itself beforehand (everything `TIFFStructure` does not
/// apply to: MRXS, NDPI over 4 GiB, other vendors' formats). A child that exits, successfully or
/// not, clears the file: the run then opens it and reports any ordinary error itself.
public struct ChildProcessSlideProbe: Sendable, Equatable {
    /// The `slidemil` executable that runs `probe-slide`.
    public var executable: String
    /// Seconds the child may take before the file counts as hanging (default 120).
    public var timeLimit: TimeInterval

    public init(executable: String, timeLimit: TimeInterval = 120) {
        self.executable = executable
        self.timeLimit = timeLimit
    }

    /// The probe running this process's own executable, when it can be found.
    public static func forThisExecutable() -> ChildProcessSlideProbe? {
        let path = (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe")) ?? Bundle.main.executablePath
        return path.map { ChildProcessSlideProbe(executable: $0) }
    }

    /// Runs the child on `path`.
    /// - Throws: `SlideError.corrupt` naming the file when the child is killed by a signal or runs
    ///   past `timeLimit` (its whole process group is then killed).
    public func check(_ path: String) throws {
        guard let pid = spawn(path) else { return }  // no child, no verdict: the run opens the file as usual
        let deadline = Date().addingTimeInterval(timeLimit)
        var status: Int32 = 0
        while waitpid(pid, &status, WNOHANG) == 0 {
            if Date() > deadline {
                kill(-pid, SIGKILL)
                _ = waitpid(pid, &status, 0)
                throw SlideError.corrupt(path: path, reason: String(format: "opening it did not finish within %g s in a test process "
                    + "(a loop or a hang in the file?); it is not opened in this run", timeLimit))
            }
            usleep(5_000)
        }
        let signal = status & 0x7F
        if signal != 0 && signal != 0x7F {
            throw SlideError.corrupt(path: path, reason: "opening and reading it crashed a test process (signal \(signal)); "
                + "it is not opened in this run")
        }
    }

    /// Starts `executable probe-slide path` in a process group of its own, output discarded.
    private func spawn(_ path: String) -> pid_t? {
        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETPGROUP))
        posix_spawnattr_setpgroup(&attributes, 0)
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 1, "/dev/null", O_WRONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 2, "/dev/null", O_WRONLY, 0)
        let words: [String] = [executable, "probe-slide", path]
        let arguments: [UnsafeMutablePointer<CChar>?] = words.map { word in word.withCString { strdup($0) } } + [nil]
        defer { arguments.forEach { free($0) } }
        var pid: pid_t = 0
        let status = posix_spawn(&pid, executable, &actions, &attributes, arguments, environ)
        return status == 0 ? pid : nil
    }
}
