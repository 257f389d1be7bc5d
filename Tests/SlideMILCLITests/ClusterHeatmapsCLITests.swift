import Foundation
import XCTest

/// A pipeline run's heatmaps drawn in shards after `pipeline --no-heatmaps`, as a cluster run's
/// heatmaps array does (`slidemil cluster heatmaps`): the shards draw the held-out slides between
/// them, each once; a shard run again keeps the pictures drawn from the current attention files
/// and redraws one whose attention file is newer; before prediction it refuses in one line.
final class ClusterHeatmapsCLITests: XCTestCase {
    private var folder: URL!

    override func setUpWithError() throws {
        try BuiltTool.requireSlidemil()
        folder = FileManager.default.temporaryDirectory.appendingPathComponent("cluster-heatmaps-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let made = try BuiltTool.run(BuiltTool.slidemil, ["synth", slides.path, "--batch", "8", "--width", "2000", "--height", "1500", "--seed", "7"])
        XCTAssertEqual(made.status, 0, made.output)
        try Data("""
        tile: {targetMpp: 0.5, tileSize: 128, tissueThreshold: 0.5}
        extract: {backbone: resnet18, weights: none, baseWidth: 4, inputSize: 32}
        train: {folds: 2, minimumEpochs: 1, training: {epochs: 4, validationFraction: 0}}
        predict: {heldOutFraction: 0.25}
        heatmap: {maxSide: 256, topK: 1, bottomK: 1}

        """.utf8).write(to: config)
    }

    override func tearDownWithError() throws {
        if let folder { try? FileManager.default.removeItem(at: folder) }
    }

    private var slides: URL { folder.appendingPathComponent("slides") }
    private var config: URL { folder.appendingPathComponent("config.yaml") }
    private var run: URL { folder.appendingPathComponent("run") }
    private var heatmaps: URL { run.appendingPathComponent("heatmaps") }

    private func heatmapShard(_ shard: String) throws -> (status: Int32, output: String) {
        try BuiltTool.run(BuiltTool.slidemil, ["cluster", "heatmaps", "--config", config.path, "--slides", slides.path,
                                               "--labels", slides.appendingPathComponent("labels.csv").path, "--output", run.path, "--shard", shard])
    }

    /// The pictures in `heatmaps/`: name → modification time.
    private func pictures() throws -> [String: Date] {
        let names = ((try? FileManager.default.contentsOfDirectory(atPath: heatmaps.path)) ?? []).filter { $0.hasSuffix("_heatmap.png") }
        return try Dictionary(uniqueKeysWithValues: names.map { name in
            (name, try XCTUnwrap(FileManager.default.attributesOfItem(atPath: heatmaps.appendingPathComponent(name).path)[.modificationDate] as? Date))
        })
    }

    func testShardsDrawEachHeldOutSlideOnceAndKeepWhatIsCurrent() throws {
        let early = try heatmapShard("1/2")
        XCTAssertEqual(early.status, 1)
        XCTAssertTrue(early.output.contains("no held-out predictions yet"), early.output)

        let trained = try BuiltTool.run(BuiltTool.slidemil, ["pipeline", "--config", config.path, "--slides", slides.path,
                                                             "--labels", slides.appendingPathComponent("labels.csv").path,
                                                             "--output", run.path, "--no-heatmaps"])
        XCTAssertEqual(trained.status, 0, trained.output)
        XCTAssertEqual(try pictures().count, 0, "--no-heatmaps drew heatmaps")
        let heldOut = try String(contentsOf: run.appendingPathComponent("splits/held_out.csv"), encoding: .utf8)
            .split(separator: "\n").dropFirst().map { String($0.split(separator: ",")[0]) }
        XCTAssertEqual(heldOut.count, 2)
        let commands = try String(contentsOf: run.appendingPathComponent("commands.sh"), encoding: .utf8)
        XCTAssertTrue(heldOut.allSatisfy { commands.contains("--slide-id \($0)") }, "commands.sh still says how to draw each heatmap")

        let first = try heatmapShard("1/2"), second = try heatmapShard("2/2")
        XCTAssertEqual(first.status, 0, first.output)
        XCTAssertEqual(second.status, 0, second.output)
        let drawnByFirst = heldOut.filter { first.output.contains("\($0)_heatmap.png") }
        let drawnBySecond = heldOut.filter { second.output.contains("\($0)_heatmap.png") }
        XCTAssertEqual(drawnByFirst.count, 1, first.output)
        XCTAssertEqual(Set(drawnByFirst + drawnBySecond), Set(heldOut), "each held-out slide in exactly one shard")
        let drawn = try pictures()
        XCTAssertEqual(Set(drawn.keys), Set(heldOut.map { "\($0)_heatmap.png" }))

        // Run again: nothing redrawn. Then a newer attention file (retraining): that slide is redrawn.
        Thread.sleep(forTimeInterval: 1.1)
        XCTAssertEqual(try heatmapShard("1/2").status, 0)
        XCTAssertEqual(try pictures(), drawn)
        let attention = run.appendingPathComponent("predictions/attention/\(drawnByFirst[0]).h5")
        try FileManager.default.setAttributes([.modificationDate: Date()], ofItemAtPath: attention.path)
        XCTAssertEqual(try heatmapShard("1/2").status, 0)
        let after = try pictures()
        XCTAssertNotEqual(after["\(drawnByFirst[0])_heatmap.png"], drawn["\(drawnByFirst[0])_heatmap.png"])
        XCTAssertEqual(after["\(drawnBySecond[0])_heatmap.png"], drawn["\(drawnBySecond[0])_heatmap.png"])
    }
}
