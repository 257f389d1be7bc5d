import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

#if canImport(Glibc)
private let posixWrite = Glibc.write
#elseif canImport(Darwin)
private let posixWrite = Darwin.write
#endif

/// Writes output files so that a run killed at any moment leaves either the finished file or
/// nothing at the target path.
///
/// Bytes go to a hidden sibling `.<name>.tmp-<random>` in the target's folder (same file system,
/// so the final `rename(2)` is atomic), are flushed with `fsync`, and the temporary file is then
/// renamed over the target. A killed run may leave a stale temporary file; readers never look at
/// names starting with `.`, and `isTemporary(_:)` lets cleanup code recognise them.
public enum AtomicFile {
    /// Marker between the target name and the random suffix of a temporary file.
    static let temporaryMarker = ".tmp-"

    /// Writes `data` to `url` atomically, creating the parent folder if needed.
    ///
    /// Every system call is checked (a full disk typically fails in `write` or `fsync`); on any
    /// failure the temporary file is removed and the target left as it was.
    /// - Throws: `StoreError.writeFailed` naming the target and the system's reason, e.g.
    ///   "No space left on device" or "Permission denied".
    public static func write(_ data: Data, to url: URL) throws {
        try write(to: url) { temporary in
            try writeBytes(data, to: temporary, target: url)
        }
    }

    /// Lets `body` write the file through a path (for libraries such as HDF5, libtiff or libpng that
    /// open files themselves), then syncs it and renames it over `url`.
    ///
    /// The rename happens only if `body` returns normally; if it throws, the temporary file is
    /// removed, the target is left untouched (an older version stays in place), and the error is
    /// rethrown. `body` must close the file before returning.
    /// - Returns: whatever `body` returns.
    @discardableResult
    public static func write<Result>(to url: URL, _ body: (URL) throws -> Result) throws -> Result {
        let temporary = try begin(url)
        do {
            let result = try body(temporary)
            try commit(temporary, to: url)
            return result
        } catch {
            abandon(temporary)
            throw error
        }
    }

    /// First half of a write that spans several calls (an HDF5 file filled batch by batch): creates
    /// the target's folder and returns a fresh temporary path beside `url` to write to.
    /// Finish with `commit(_:to:)`, or `abandon(_:)` on failure.
    public static func begin(_ url: URL) throws -> URL {
        try createFolder(url.deletingLastPathComponent(), for: url)
        return temporaryURL(for: url)
    }

    /// Syncs the finished, closed `temporary` file and renames it over `url` (atomic on POSIX).
    /// On failure the temporary file is left for the caller to `abandon`.
    public static func commit(_ temporary: URL, to url: URL) throws {
        try synchronize(temporary, target: url)
        guard rename(temporary.path, url.path) == 0 else {
            throw StoreError.writeFailed(path: url.path, reason: "rename failed: \(String(cString: strerror(errno)))")
        }
        // Persist the directory entry too, so the rename survives a power cut.
        synchronizeFolder(url.deletingLastPathComponent())
    }

    /// Creates `folder` and its parents when missing.
    /// - Throws: `StoreError.writeFailed` naming `target` (the folder by default) and the system's
    ///   reason ("Read-only file system", "Permission denied", "No space left on device", ...).
    public static func createFolder(_ folder: URL, for target: URL? = nil) throws {
        var isFolder: ObjCBool = false
        if FileManager.default.fileExists(atPath: folder.path, isDirectory: &isFolder), isFolder.boolValue { return }
        do {
            try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        } catch {
            throw StoreError.writeFailed(path: (target ?? folder).path,
                                         reason: "cannot create folder \(folder.path): \(FileSystemErrorText.reason(error))")
        }
    }

    /// Removes a temporary file that will not be committed. Missing files are ignored.
    ///
    /// The file is truncated before it is unlinked: after a failed write a library (HDF5) may
    /// still hold it open, and an unlinked but open file keeps its blocks, so a full disk would
    /// stay full for the rest of the run.
    public static func abandon(_ temporary: URL) {
        _ = truncate(temporary.path, 0)
        try? FileManager.default.removeItem(at: temporary)
    }

    /// A fresh temporary path beside `url`: `<folder>/.<name>.tmp-<random hex>`.
    public static func temporaryURL(for url: URL) -> URL {
        let suffix = String(UInt64.random(in: 0...UInt64.max), radix: 16)
        return url.deletingLastPathComponent()
            .appendingPathComponent(".\(url.lastPathComponent)\(temporaryMarker)\(suffix)")
    }

    /// Whether `url` names a temporary file left by an interrupted atomic write.
    public static func isTemporary(_ url: URL) -> Bool {
        let name = url.lastPathComponent
        return name.hasPrefix(".") && name.contains(temporaryMarker)
    }

    /// Creates `temporary` (it must not exist) and writes all of `data` to it, checking every call.
    private static func writeBytes(_ data: Data, to temporary: URL, target: URL) throws {
        func failure() -> StoreError {
            .writeFailed(path: target.path, reason: String(cString: strerror(errno)))
        }
        let descriptor = open(temporary.path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o666)
        guard descriptor >= 0 else { throw failure() }
        var closed = false
        defer { if !closed { close(descriptor) } }
        try data.withUnsafeBytes { (bytes: UnsafeRawBufferPointer) in
            var offset = 0
            while offset < bytes.count {
                let written = posixWrite(descriptor, bytes.baseAddress! + offset, bytes.count - offset)
                if written < 0 {
                    if errno == EINTR { continue }
                    throw failure()
                }
                // A short write means the next call reports the reason (ENOSPC).
                offset += written
            }
        }
        guard fsync(descriptor) == 0 else { throw failure() }
        closed = true
        guard close(descriptor) == 0 else { throw failure() }
    }

    private static func synchronize(_ temporary: URL, target: URL) throws {
        let descriptor = open(temporary.path, O_RDONLY)
        guard descriptor >= 0 else {
            throw StoreError.writeFailed(path: target.path, reason: "the writer produced no file")
        }
        defer { close(descriptor) }
        guard fsync(descriptor) == 0 else {
            throw StoreError.writeFailed(path: target.path, reason: "fsync failed: \(String(cString: strerror(errno)))")
        }
    }

    private static func synchronizeFolder(_ folder: URL) {
        let descriptor = open(folder.path, O_RDONLY)
        guard descriptor >= 0 else { return }
        _ = fsync(descriptor)
        close(descriptor)
    }
}
