import Foundation
import XCTest

/// `slidemil tile` and `extract` on a full or read-only disk, run as a user would: exit status 1
/// (never a crash), one line naming the file and the system's reason, no temporary file left,
/// and a rerun with space finishes the slide. Needs root to mount a small tmpfs; skipped otherwise.
final class DiskErrorCLITests: XCTestCase {
    private static let repository = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    private let slide = repository.appendingPathComponent("slides-sample/synthetic_0.tif").path

    private var mountPoint: URL!

    override func setUpWithError() throws {
        try BuiltTool.requireSlidemil()
        mountPoint = FileManager.default.temporaryDirectory.appendingPathComponent("slidemil-cli-disk-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: mountPoint, withIntermediateDirectories: true)
        let (status, output) = try run("/bin/mount", ["-t", "tmpfs", "-o", "size=2m", "tmpfs", mountPoint.path])
        guard status == 0 else {
            try? FileManager.default.removeItem(at: mountPoint)
            throw XCTSkip("cannot mount a small tmpfs to simulate a full disk (needs root): \(output)")
        }
    }

    override func tearDownWithError() throws {
        guard let mountPoint else { return }
        _ = try? run("/bin/umount", ["-l", mountPoint.path])
        try? FileManager.default.removeItem(at: mountPoint)
    }

    /// Runs a program; returns its status (a signal shows as 128 + n) and stdout + stderr.
    private func run(_ tool: String, _ arguments: [String]) throws -> (status: Int32, output: String) {
        try BuiltTool.run(URL(fileURLWithPath: tool), arguments)
    }

    /// Leaves about `bytes` free on the tmpfs with a filler file.
    private func leaveFree(_ bytes: Int) throws {
        let filler = mountPoint.appendingPathComponent("filler")
        try? FileManager.default.removeItem(at: filler)
        let attributes = try FileManager.default.attributesOfFileSystem(forPath: mountPoint.path)
        let free = (attributes[.systemFreeSize] as? NSNumber)?.intValue ?? 0
        try Data(count: max(0, free - bytes)).write(to: filler)
    }

    private func leftovers(_ folder: URL) -> [String] {
        (FileManager.default.enumerator(atPath: folder.path)?.compactMap { $0 as? String } ?? []).filter { $0.contains(".tmp-") }
    }

    func testTileOnAFullDiskFailsCleanlyAtEveryFillLevelAndResumes() throws {
        // The sample's outputs: mask ~49 kB, stitch ~30 kB, patch file ~11 kB, process list.
        for free in [0, 20_000, 60_000, 84_000, 88_000, 92_000] {
            let output = mountPoint.appendingPathComponent("run-\(free)")
            try leaveFree(free)
            let (status, text) = try run(BuiltTool.slidemil.path, ["tile", slide, "--output", output.path])
            XCTAssertTrue(status == 0 || status == 1, "with \(free) bytes free: status \(status), \(text.suffix(400))")
            if status == 1 {
                XCTAssertTrue(text.contains("No space left on device"), "with \(free) bytes free: \(text.suffix(400))")
            }
            XCTAssertFalse(text.contains("NSCocoaErrorDomain"), text)
            XCTAssertEqual(leftovers(output), [], "with \(free) bytes free")
            try leaveFree(1_000_000)
            let rerun = try run(BuiltTool.slidemil.path, ["tile", slide, "--output", output.path])
            XCTAssertEqual(rerun.status, 0, "rerun after \(free) bytes free: \(rerun.output.suffix(400))")
            XCTAssertTrue(FileManager.default.fileExists(atPath: output.appendingPathComponent("patches/synthetic_0.h5").path))
            try FileManager.default.removeItem(at: output)
        }
    }

    func testReadOnlyOutputGivesOneLine() throws {
        XCTAssertEqual(try run("/bin/mount", ["-o", "remount,ro", mountPoint.path]).status, 0)
        let output = mountPoint.appendingPathComponent("run")
        let (status, text) = try run(BuiltTool.slidemil.path, ["tile", slide, "--output", output.path])
        XCTAssertEqual(status, 1, text)
        XCTAssertFalse(text.contains("NSCocoaErrorDomain"), text)
        let lines = text.split(separator: "\n").filter { !$0.contains("\r") }
        XCTAssertEqual(lines.count, 1, text)
        XCTAssertTrue(text.contains(output.path) && text.contains("Read-only file system"), text)
    }
}
