import Foundation
import Store
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A worker's claim on one slide of one stage, so that workers sharing an output folder never
/// process the same slide at once: an exclusive `flock(2)` on
/// `<output>/.slidemil-claims/<stage>/<slide_id>.lock`, held while the slide is processed.
///
/// Why `flock` and not a host/pid/heartbeat file: the kernel drops the lock the moment the
/// holding process ends, however it ends (`scancel`, out-of-memory kill, node reboot), so a
/// dead task's slide is free for the next run at once, with no timeout to tune and no clock to
/// trust across nodes. A heartbeat claim must wait out its timeout before taking over a slide,
/// and a worker stalled longer than that (a slow network read) would see its slide taken and
/// processed twice. On the shared filesystems of clusters, NFSv3/v4 (Linux carries `flock` over
/// as a POSIX byte-range lock through the lock manager), Lustre mounted with `-o flock`, GPFS
/// and BeeGFS all lock across nodes. Lustre's `-o localflock` and NFS with `nolock` lock per node
/// only: there two nodes could claim one slide (docs/cluster.md says how to check).
///
/// The lock file stays after release (removing it would race with a worker opening it); it
/// records the holder for `slidemil cluster status`.
public final class SlideClaim: @unchecked Sendable {
    /// The folder of claims inside an output folder.
    public static let folderName = ".slidemil-claims"

    private var descriptor: Int32

    private init(descriptor: Int32) {
        self.descriptor = descriptor
    }

    /// Claims `slideID` for `stage` in `output`; nil when another process holds it.
    /// - Throws: `OutputFolderLockError.cannotLock` when the lock file cannot be opened.
    public static func take(slideID: String, stage: String, output: URL) throws -> SlideClaim? {
        let url = lockFile(slideID: slideID, stage: stage, output: output)
        do {
            try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
        } catch {
            throw OutputFolderLockError.cannotLock(folder: url.deletingLastPathComponent().path, reason: FileSystemErrorText.reason(error))
        }
        let descriptor = open(url.path, O_RDWR | O_CREAT | O_CLOEXEC, 0o644)
        guard descriptor >= 0 else {
            throw OutputFolderLockError.cannotLock(folder: url.path, reason: String(cString: strerror(errno)))
        }
        guard flock(descriptor, LOCK_EX | LOCK_NB) == 0 else {
            close(descriptor)
            return nil
        }
        let holder = "pid \(getpid()) on \(ProcessInfo.processInfo.hostName)\n"
        _ = ftruncate(descriptor, 0)
        _ = holder.withCString { pwrite(descriptor, $0, strlen($0), 0) }
        return SlideClaim(descriptor: descriptor)
    }

    /// Whether some process holds the claim on `slideID` now (a slide in progress).
    public static func isHeld(slideID: String, stage: String, output: URL) -> Bool {
        let descriptor = open(lockFile(slideID: slideID, stage: stage, output: output).path, O_RDONLY | O_CLOEXEC)
        guard descriptor >= 0 else { return false }
        defer { close(descriptor) }
        guard flock(descriptor, LOCK_SH | LOCK_NB) == 0 else { return true }
        flock(descriptor, LOCK_UN)
        return false
    }

    /// The lock file of a slide's claim; `stage` is the stage's process list name.
    public static func lockFile(slideID: String, stage: String, output: URL) -> URL {
        output.appendingPathComponent(folderName)
            .appendingPathComponent((stage as NSString).deletingPathExtension)
            .appendingPathComponent(slideID + ".lock")
    }

    deinit { release() }

    /// Gives the claim up (also done when the object goes away).
    public func release() {
        guard descriptor >= 0 else { return }
        close(descriptor)
        descriptor = -1
    }
}
