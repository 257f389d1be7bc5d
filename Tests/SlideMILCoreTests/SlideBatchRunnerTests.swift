import Foundation
import RunSupport
import Store
import TileStage
import XCTest

/// The batch rules every per-slide stage shares: ids that cannot escape the output folder, one
/// run per output folder at a time, and stale temporary files cleared under the lock.
final class SlideBatchRunnerTests: XCTestCase {
    private let samples = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("slides-sample")
    private var folder: URL!

    override func setUpWithError() throws {
        folder = FileManager.default.temporaryDirectory.appendingPathComponent("slide-batch-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
    }

    override func tearDownWithError() throws {
        try? FileManager.default.removeItem(at: folder)
    }

    func testSlideIDsThatWouldEscapeTheOutputFolderAreRefusedNamingTheRow() throws {
        let bad = ["../../../../tmp/victim", "sub/slide", "a\\b", ".hidden", "..", "tab\there", "nul\u{0}x", String(repeating: "x", count: 201)]
        for id in bad {
            XCTAssertNotNil(SlideID.problem(id), id)
            let csv = folder.appendingPathComponent("slides.csv")
            try Data("path,slide_id\ngood.svs,fine\nx.svs,\(id)\n".utf8).write(to: csv)
            XCTAssertThrowsError(try SlideEntry.resolve(csv.path), id) { error in
                guard case let .badSlideID(source, row, badID, _)? = error as? SlideListError else { return XCTFail("\(error)") }
                XCTAssertEqual(source, csv.path)
                XCTAssertEqual(row, "row 3")
                XCTAssertEqual(badID, id)
                XCTAssertFalse("\(error)".contains("\n"), "one line")
            }
        }
        for id in ["case-01", "Slide 7 (HE)", "tumör_ß", "a.b.c", String(repeating: "x", count: 200)] {
            XCTAssertNil(SlideID.problem(id), id)
        }
        // A folder's hidden files (macOS `._` forks) are not slides, so they never meet the rule.
        let slides = folder.appendingPathComponent("slides")
        try FileManager.default.createDirectory(at: slides, withIntermediateDirectories: true)
        for name in ["a.svs", "._a.svs", ".b.tif"] { try Data().write(to: slides.appendingPathComponent(name)) }
        XCTAssertEqual(try SlideEntry.resolve(slides.path).map(\.slideID), ["a"])
        // A stage given such an id directly writes nothing, not even its process list.
        let output = folder.appendingPathComponent("out")
        XCTAssertThrowsError(try TilePipeline.run([SlideEntry(path: samples.appendingPathComponent("synthetic_1.tif").path, slideID: "../victim")],
                                                  output: output, settings: TileSettings(), showProgress: false))
        XCTAssertFalse(FileManager.default.fileExists(atPath: output.path))
        XCTAssertFalse(FileManager.default.fileExists(atPath: folder.appendingPathComponent("victim.h5").path))
    }

    func testASecondRunOnALockedFolderFailsAtOnceNamingTheHolder() throws {
        let output = folder.appendingPathComponent("out")
        try FileManager.default.createDirectory(at: output, withIntermediateDirectories: true)
        let lockFile = output.appendingPathComponent(OutputFolderLock.fileName)
        try Data("pid 4242 on lab-node, started 2026-01-01T00:00:00Z\n".utf8).write(to: lockFile)
        // Another process holds the lock (flock(1) takes the same advisory lock on a descriptor
        // the shell then hands to `sleep`, so ending `sleep` releases it).
        let holder = Process()
        holder.executableURL = URL(fileURLWithPath: "/bin/sh")
        holder.arguments = ["-c", "exec 9<>\"$0\"; flock -n 9 || exit 1; exec sleep 30", lockFile.path]
        try holder.run()
        defer { holder.terminate(); holder.waitUntilExit() }
        let deadline = Date().addingTimeInterval(10)
        while flockIsFree(lockFile), Date() < deadline { usleep(20_000) }

        let started = Date()
        XCTAssertThrowsError(try TilePipeline.run([SlideEntry(path: samples.appendingPathComponent("synthetic_1.tif").path)],
                                                  output: output, settings: TileSettings(), showProgress: false)) { error in
            XCTAssertEqual(error as? OutputFolderLockError,
                           .held(folder: output.standardizedFileURL.path, holder: "pid 4242 on lab-node, started 2026-01-01T00:00:00Z"))
            XCTAssertTrue("\(error)".contains("pid 4242"), "\(error)")
        }
        XCTAssertLessThan(Date().timeIntervalSince(started), 5, "fails at once, does not wait")
        XCTAssertFalse(FileManager.default.fileExists(atPath: output.appendingPathComponent("process_list.csv").path))

        // Once the holder is gone the folder is free again, and the lock file names this process.
        holder.terminate()
        holder.waitUntilExit()
        let lock = try OutputFolderLock(folder: output)
        let text = try String(contentsOf: lockFile, encoding: .utf8)
        XCTAssertTrue(text.hasPrefix("pid \(ProcessInfo.processInfo.processIdentifier) on "), text)
        lock.release()
    }

    func testTakingTheLockClearsOnlyStaleTemporaryFiles() throws {
        let output = folder.appendingPathComponent("out")
        let patches = output.appendingPathComponent("patches")
        try FileManager.default.createDirectory(at: patches, withIntermediateDirectories: true)
        let stale = [output.appendingPathComponent(".process_list.csv.tmp-1f2e"), patches.appendingPathComponent(".a.h5.tmp-99")]
        let kept = [output.appendingPathComponent(".keep"), patches.appendingPathComponent("a.h5"), patches.appendingPathComponent("b.tmp-1.h5")]
        for url in stale + kept { try Data("x".utf8).write(to: url) }
        let lock = try OutputFolderLock(folder: output)
        defer { lock.release() }
        for url in stale { XCTAssertFalse(FileManager.default.fileExists(atPath: url.path), url.lastPathComponent) }
        for url in kept { XCTAssertTrue(FileManager.default.fileExists(atPath: url.path), url.lastPathComponent) }
    }

    func testOutcomeLinesAreThoseTheBatchCommandsPrint() {
        XCTAssertEqual(SlideOutcome.processed(tiles: 12).line(slideID: "s1", verb: "tiled"), "s1\ttiled\t12")
        XCTAssertEqual(SlideOutcome.alreadyDone(tiles: 3).line(slideID: "s2", verb: "extracted"), "s2\talready done\t3")
        XCTAssertEqual(SlideOutcome.failed("bad file").line(slideID: "s3", verb: "tiled"), "s3\tfailed\tbad file")
    }

    /// A stage that needs no slide files: "bad" fails, the rest give their name's length in tiles;
    /// a slide is done when its marker file exists.
    private struct MarkerStage: SlideStage {
        let folder: URL
        var progressLabel: String { "marking" }
        var processListName: String { "process_list_marker.csv" }
        func completedTiles(of slide: SlideEntry) -> Int? {
            FileManager.default.fileExists(atPath: folder.appendingPathComponent(slide.slideID).path) ? slide.slideID.count : nil
        }
        func plannedTiles(of slide: SlideEntry) -> Int? { slide.slideID.count }
        func process(_ slide: SlideEntry, onTiles: (Int) -> Void) throws -> SlideResult {
            struct Broken: Error, CustomStringConvertible { var description: String { "bad slide" } }
            if slide.slideID == "bad" { throw Broken() }
            try Data().write(to: folder.appendingPathComponent(slide.slideID))
            onTiles(slide.slideID.count)
            return SlideResult(tiles: slide.slideID.count, warnings: slide.slideID == "warn" ? ["pale"] : [])
        }
    }

    func testRunnerResumesGoesOnPastAFailureAndReportsEachSlideAsItFinishes() throws {
        let output = folder.appendingPathComponent("out")
        let slides = ["one", "bad", "warn", "three"].map { SlideEntry(path: "/nowhere/\($0).svs") }
        let runner = try SlideBatchRunner(slides: slides, output: output, showProgress: false)
        var heard: [String] = []
        let first = try runner.run(MarkerStage(folder: output)) { slide, outcome in heard.append(outcome.line(slideID: slide.slideID, verb: "marked")) }
        XCTAssertEqual(first, [.processed(tiles: 3), .failed("bad slide"), .processed(tiles: 4), .processed(tiles: 5)])
        XCTAssertEqual(heard, ["one\tmarked\t3", "bad\tfailed\tbad slide", "warn\tmarked\t4", "three\tmarked\t5"])
        let list = try ProcessList.load(from: output.appendingPathComponent("process_list_marker.csv"))
        XCTAssertEqual(list.records.map(\.status), [.processed, .failed, .processed, .processed])
        XCTAssertEqual(list.record(for: "warn")?.error, "warning: pale")

        // A rerun skips what its row and the stage call done, and retries the failed slide.
        try FileManager.default.removeItem(at: output.appendingPathComponent("three"))
        let again = try runner.run(MarkerStage(folder: output))
        XCTAssertEqual(again, [.alreadyDone(tiles: 3), .failed("bad slide"), .alreadyDone(tiles: 4), .processed(tiles: 5)])
        XCTAssertThrowsError(try SlideBatchRunner(slides: slides + [SlideEntry(path: "/else/one.tif")], output: output)) {
            XCTAssertEqual($0 as? SlideListError, .duplicateSlideID("one"))
        }
    }

    private func flockIsFree(_ url: URL) -> Bool {
        let descriptor = open(url.path, O_RDONLY)
        defer { close(descriptor) }
        guard flock(descriptor, LOCK_EX | LOCK_NB) == 0 else { return false }
        flock(descriptor, LOCK_UN)
        return true
    }
}
