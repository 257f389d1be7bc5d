import Foundation
import Store
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A stage's process list that several workers update at once without losing a row: each
/// change re-reads the list, applies one slide's record and saves it atomically, all under an
/// exclusive `flock` on `.<list>.lock` beside it (held for milliseconds). A worker's rows are
/// merged into the one list as each slide finishes, so a worker killed mid-batch has lost only
/// the slide it was on, whose claim and outputs tell the next run to redo it.
public struct SharedProcessList: Sendable {
    /// The process list.
    public let url: URL

    /// The list at `url`.
    public init(url: URL) {
        self.url = url
    }

    /// The list as saved now (a consistent snapshot: saves are atomic renames).
    /// - Throws: `StoreError.malformedCSV` for a bad file.
    public func snapshot() throws -> ProcessList {
        try ProcessList.load(from: url)
    }

    /// Stores how one slide ended (`seconds` stamped since `start`), merged into the latest list;
    /// `batch`, the worker's slides, are listed as pending when not listed yet.
    /// - Throws: a `StoreError` when the list cannot be read or saved, or
    ///   `OutputFolderLockError.cannotLock`.
    public func finish(_ record: ProcessRecord, startedAt start: Date, batch: [String]) throws {
        try locked {
            var list = try ProcessList.load(from: url, adding: batch)
            try list.finish(record, startedAt: start)
        }
    }

    private func locked<T>(_ body: () throws -> T) throws -> T {
        let lockPath = url.deletingLastPathComponent().appendingPathComponent("." + url.lastPathComponent + ".lock").path
        let descriptor = open(lockPath, O_RDWR | O_CREAT | O_CLOEXEC, 0o644)
        guard descriptor >= 0 else {
            throw OutputFolderLockError.cannotLock(folder: lockPath, reason: String(cString: strerror(errno)))
        }
        defer { close(descriptor) }
        while flock(descriptor, LOCK_EX) != 0 {
            guard errno == EINTR else {
                throw OutputFolderLockError.cannotLock(folder: lockPath, reason: String(cString: strerror(errno)))
            }
        }
        return try body()
    }
}
