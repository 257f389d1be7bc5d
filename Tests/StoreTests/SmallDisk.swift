import Foundation
import XCTest
#if canImport(Glibc)
import Glibc
#endif

/// A 2 MiB tmpfs mounted on a fresh folder, to test what writers do when the disk is full or
/// read-only. Mounting needs root (CI runs as root); elsewhere the test is skipped with the reason.
final class SmallDisk {
    let url: URL
    private let filler: URL

    /// Mounts the file system, or throws `XCTSkip` when this process may not mount.
    init(megabytes: Int = 2) throws {
        url = FileManager.default.temporaryDirectory.appendingPathComponent("slidemil-small-disk-\(UUID().uuidString)")
        filler = url.appendingPathComponent("filler")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        let (status, output) = Self.run("/bin/mount", ["-t", "tmpfs", "-o", "size=\(megabytes)m", "tmpfs", url.path])
        guard status == 0 else {
            try? FileManager.default.removeItem(at: url)
            throw XCTSkip("cannot mount a small tmpfs to simulate a full disk (needs root): \(output)")
        }
    }

    /// Unmounts and removes the mount point.
    func remove() {
        _ = Self.run("/bin/umount", ["-l", url.path])
        try? FileManager.default.removeItem(at: url)
    }

    /// Bytes still free for files.
    var freeBytes: Int {
        var info = statvfs()
        guard statvfs(url.path, &info) == 0 else { return 0 }
        return Int(info.f_bavail) * Int(info.f_frsize)
    }

    /// Resizes the filler file so that about `bytes` stay free (tmpfs counts whole pages).
    func leaveFree(_ bytes: Int) throws {
        try? FileManager.default.removeItem(at: filler)
        let size = max(0, freeBytes - bytes)
        guard size > 0 else { return }
        FileManager.default.createFile(atPath: filler.path, contents: nil)
        let handle = try FileHandle(forWritingTo: filler)
        defer { try? handle.close() }
        try handle.write(contentsOf: Data(count: size))
    }

    /// Makes the file system read-only (`ro`) or writable again.
    func setReadOnly(_ readOnly: Bool) throws {
        let (status, output) = Self.run("/bin/mount", ["-o", "remount,\(readOnly ? "ro" : "rw")", url.path])
        guard status == 0 else { throw XCTSkip("cannot remount the tmpfs read-only: \(output)") }
    }

    /// Names in `folder` (relative to the disk), the filler excluded, hidden files included.
    func contents(_ folder: String = "") -> [String] {
        let path = folder.isEmpty ? url.path : url.appendingPathComponent(folder).path
        return ((try? FileManager.default.contentsOfDirectory(atPath: path)) ?? []).filter { $0 != "filler" }.sorted()
    }

    private static func run(_ tool: String, _ arguments: [String]) -> (Int32, String) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: tool)
        process.arguments = arguments
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = pipe
        do { try process.run() } catch { return (-1, "\(error)") }
        let data = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return (process.terminationStatus, String(decoding: data, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines))
    }
}
