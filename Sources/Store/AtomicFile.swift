import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
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
    /// - Throws: `StoreError.writeFailed` naming the target.
    public static func write(_ data: Data, to url: URL) throws {
        try write(to: url) { temporary in
            guard FileManager.default.createFile(atPath: temporary.path, contents: data) else {
                throw StoreError.writeFailed(path: url.path, reason: "cannot create \(temporary.lastPathComponent)")
            }
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
        do {
            try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
        } catch {
            throw StoreError.writeFailed(path: url.path, reason: "cannot create folder: \(error.localizedDescription)")
        }
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

    /// Removes a temporary file that will not be committed. Missing files are ignored.
    public static func abandon(_ temporary: URL) {
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
