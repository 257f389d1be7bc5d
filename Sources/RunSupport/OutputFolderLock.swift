import Foundation
import Store
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// An exclusive advisory lock (`flock(2)`) on an output folder for the length of a run, so that
/// two runs never write one folder at once. The lock file `.slidemil.lock` records the holder
/// (pid, host, start time) for the message a second run prints; the kernel drops the lock when
/// the holding process ends however it ends, so a killed run leaves no stale lock.
///
/// Locks are counted per folder within a process: the pipeline holds its folder while its tile
/// and extract stages take the same lock again. Sharded workers share one folder: each takes the
/// lock in `.shared` mode, so an unsharded run, which needs it `.exclusive`, refuses to start
/// while any worker runs, and claims slides one by one (`SlideClaim`).
public final class OutputFolderLock: @unchecked Sendable {
    /// The lock file's name inside the folder.
    public static let fileName = ".slidemil.lock"

    private static let table = NSLock()
    nonisolated(unsafe) private static var held: [String: (descriptor: Int32, count: Int)] = [:]

    /// Who may hold a folder alongside this run.
    public enum Mode: Sendable {
        /// One run alone (unsharded runs); clears stale temporary files.
        case exclusive
        /// Any number of sharded workers, no unsharded run. Temporary files stay: a worker may
        /// be writing them; the next exclusive run clears those of killed workers.
        case shared
    }

    private let key: String
    private var released = false

    /// Takes the lock on `folder` (created if missing); in `.exclusive` mode then removes the
    /// temporary files (`.<name>.tmp-<hex>`) that killed runs left in it and in its subfolders:
    /// no other run can be writing them now.
    /// - Throws: `OutputFolderLockError.held` naming the holder when another process has it in a
    ///   mode that excludes `mode`, or `.cannotLock` when the lock file cannot be opened.
    public init(folder: URL, mode: Mode = .exclusive) throws {
        let folder = folder.standardizedFileURL
        key = folder.path
        Self.table.lock()
        defer { Self.table.unlock() }
        if let entry = Self.held[key] {
            Self.held[key] = (entry.descriptor, entry.count + 1)
            return
        }
        do {
            try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        } catch {
            throw OutputFolderLockError.cannotLock(folder: folder.path, reason: FileSystemErrorText.reason(error))
        }
        let path = folder.appendingPathComponent(Self.fileName).path
        let descriptor = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0o644)
        guard descriptor >= 0 else {
            throw OutputFolderLockError.cannotLock(folder: folder.path, reason: String(cString: strerror(errno)))
        }
        guard flock(descriptor, (mode == .exclusive ? LOCK_EX : LOCK_SH) | LOCK_NB) == 0 else {
            let holder = (try? String(contentsOfFile: path, encoding: .utf8))?
                .trimmingCharacters(in: .whitespacesAndNewlines)
            close(descriptor)
            throw OutputFolderLockError.held(folder: folder.path, holder: holder.flatMap { $0.isEmpty ? nil : $0 } ?? "another process")
        }
        Self.held[key] = (descriptor, 1)
        let started = ISO8601DateFormatter().string(from: Date())
        guard mode == .exclusive else {
            // Workers share the lock file; its text names the cluster run for a refused unsharded run.
            let holder = "sharded workers, the latest started \(started)\n"
            _ = ftruncate(descriptor, 0)
            _ = holder.withCString { pwrite(descriptor, $0, strlen($0), 0) }
            return
        }
        let holder = "pid \(getpid()) on \(ProcessInfo.processInfo.hostName), started \(started)\n"
        _ = ftruncate(descriptor, 0)
        _ = holder.withCString { pwrite(descriptor, $0, strlen($0), 0) }
        Self.removeTemporaryFiles(in: folder)
    }

    deinit { release() }

    /// Gives the lock up (also done when the object goes away).
    public func release() {
        Self.table.lock()
        defer { Self.table.unlock() }
        guard !released, let entry = Self.held[key] else { return }
        released = true
        if entry.count > 1 {
            Self.held[key] = (entry.descriptor, entry.count - 1)
        } else {
            Self.held[key] = nil
            close(entry.descriptor)
        }
    }

    /// Removes stale `AtomicFile` temporaries below `folder` (our own naming only).
    static func removeTemporaryFiles(in folder: URL) {
        guard let walker = FileManager.default.enumerator(at: folder, includingPropertiesForKeys: nil) else { return }
        for case let url as URL in walker where AtomicFile.isTemporary(url) {
            try? FileManager.default.removeItem(at: url)
        }
    }
}

/// Why an output folder could not be locked.
public enum OutputFolderLockError: Error, CustomStringConvertible, Equatable {
    /// Another run holds the folder.
    case held(folder: String, holder: String)
    /// The lock file cannot be created (read-only folder, no space).
    case cannotLock(folder: String, reason: String)

    public var description: String {
        switch self {
        case let .held(folder, holder):
            return "\(folder): another slidemil run is writing this folder (\(holder)); wait for it or choose another --output"
        case let .cannotLock(folder, reason):
            return "\(folder): cannot lock the output folder: \(reason)"
        }
    }
}
