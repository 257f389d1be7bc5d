import Foundation
import XCTest

/// Workers sharing one output folder (`--shard`), run as separate processes as cluster tasks
/// are: two overlapping workers never process the same slide, a worker killed mid-slide leaves
/// that slide to the next run, and an unsharded run refuses the folder while workers hold it.
final class ShardedWorkersCLITests: XCTestCase {
    private var folder: URL!

    override func setUpWithError() throws {
        try BuiltTool.requireSlidemil()
        folder = FileManager.default.temporaryDirectory.appendingPathComponent("sharded-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let made = try BuiltTool.run(BuiltTool.slidemil, ["synth", slides.path, "--batch", "6", "--width", "2400", "--height", "1600", "--seed", "3"])
        XCTAssertEqual(made.status, 0, made.output)
        let tiled = try BuiltTool.run(BuiltTool.slidemil, ["tile", slides.path, "--output", output.path, "--tile-size", "128"])
        XCTAssertEqual(tiled.status, 0, tiled.output)
    }

    override func tearDownWithError() throws {
        if let folder { try? FileManager.default.removeItem(at: folder) }
    }

    private var slides: URL { folder.appendingPathComponent("slides") }
    private var output: URL { folder.appendingPathComponent("run") }
    private let slideIDs = (0..<6).map { "synthetic_\($0)" }

    /// `slidemil extract` as one worker: slow enough per slide (ResNet-50 on every tile) that
    /// workers overlap.
    private func worker(shard: String) throws -> (process: Process, output: Pipe) {
        let process = Process()
        process.executableURL = BuiltTool.slidemil
        process.arguments = ["extract", slides.path, "--output", output.path, "--weights", "none", "--backbone", "resnet50-trunc",
                             "--base-width", "16", "--threads", "1", "--shard", shard]
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = pipe
        try process.run()
        return (process, pipe)
    }

    private func finish(_ worker: (process: Process, output: Pipe)) -> String {
        let data = worker.output.fileHandleForReading.readDataToEndOfFile()
        worker.process.waitUntilExit()
        return String(decoding: data, as: UTF8.self)
    }

    /// The slides a worker's output says it extracted itself.
    private func extracted(_ text: String) -> [String] {
        text.split(separator: "\n").compactMap { line in
            let fields = line.split(separator: "\t")
            return fields.count == 3 && fields[1] == "extracted" ? String(fields[0]) : nil
        }
    }

    /// The process list's `slide_id → status`.
    private func statuses() throws -> [String: String] {
        let lines = try String(contentsOf: output.appendingPathComponent("process_list_extract.csv"), encoding: .utf8).split(separator: "\n").dropFirst()
        return Dictionary(lines.map { line in
            let fields = line.split(separator: ",", omittingEmptySubsequences: false)
            return (String(fields[0]), String(fields[1]))
        }, uniquingKeysWith: { first, _ in first })
    }

    func testOverlappingWorkersNeverProcessASlideTwice() throws {
        // Two workers on the same shard (a task resubmitted while the first still runs) and one
        // on each half, all at once.
        let workers = try [worker(shard: "1/1"), worker(shard: "1/1"), worker(shard: "1/2"), worker(shard: "2/2")]
        let texts = workers.map(finish)
        for (worker, text) in zip(workers, texts) {
            XCTAssertEqual(worker.process.terminationStatus, 0, text)
        }
        let done = texts.flatMap(extracted)
        XCTAssertEqual(done.sorted(), slideIDs, "every slide extracted exactly once: \(texts)")
        XCTAssertTrue(texts.joined().contains("claimed by another worker") || texts.joined().contains("already done"), texts.joined())
        // No row lost although four processes wrote the list.
        XCTAssertEqual(try statuses(), Dictionary(uniqueKeysWithValues: slideIDs.map { ($0, "processed") }))
        // The halves of a 2-way cut are disjoint and cover the batch.
        XCTAssertEqual(Set(extracted(texts[2])).intersection(extracted(texts[3])), [])
    }

    func testAKilledWorkersSlideIsPickedUpByTheNextRun() throws {
        let first = try worker(shard: "1/1")
        // Wait until the worker holds a slide's claim, then freeze it there.
        let claims = output.appendingPathComponent(".slidemil-claims/process_list_extract")
        var held: String?
        let deadline = Date().addingTimeInterval(60)
        while held == nil, Date() < deadline {
            held = slideIDs.first { flockIsHeld(claims.appendingPathComponent("\($0).lock")) }
            if held == nil { usleep(10_000) }
        }
        let slide = try XCTUnwrap(held, "the worker never claimed a slide")
        kill(first.process.processIdentifier, SIGSTOP)

        // While it holds the folder, an unsharded run refuses it, and a second worker leaves its slide alone.
        let unsharded = try BuiltTool.run(BuiltTool.slidemil, ["tile", slides.path, "--output", output.path, "--tile-size", "128"])
        XCTAssertEqual(unsharded.status, 1, unsharded.output)
        XCTAssertTrue(unsharded.output.contains("sharded workers"), unsharded.output)
        let second = finish(try worker(shard: "1/1"))
        XCTAssertTrue(second.contains("\(slide)\tclaimed by another worker"), second)
        XCTAssertFalse(extracted(second).contains(slide), second)

        // Killed mid-slide: its claim goes with it, and its slide has no feature file.
        kill(first.process.processIdentifier, SIGKILL)
        let killed = finish(first)
        XCTAssertFalse(flockIsHeld(claims.appendingPathComponent("\(slide).lock")))
        XCTAssertFalse(FileManager.default.fileExists(atPath: output.appendingPathComponent("features/\(slide).h5").path))
        XCTAssertNotEqual(try statuses()[slide], "processed")

        let third = finish(try worker(shard: "1/1"))
        XCTAssertEqual(extracted(third), [slide], third)
        XCTAssertEqual((extracted(killed) + extracted(second) + extracted(third)).sorted(), slideIDs, "each slide once")
        XCTAssertEqual(try statuses(), Dictionary(uniqueKeysWithValues: slideIDs.map { ($0, "processed") }))
    }

    /// Whether another process holds an flock on `file`.
    private func flockIsHeld(_ file: URL) -> Bool {
        let descriptor = open(file.path, O_RDONLY)
        guard descriptor >= 0 else { return false }
        defer { close(descriptor) }
        guard flock(descriptor, LOCK_SH | LOCK_NB) == 0 else { return true }
        flock(descriptor, LOCK_UN)
        return false
    }
}
