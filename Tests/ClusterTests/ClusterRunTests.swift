import Foundation
import Store
import XCTest

/// `slidemil cluster` against a real single-node Slurm (`LocalSlurm`): a submitted run gives the
/// same feature files, bit for bit, and the same held-out predictions as `slidemil pipeline` on
/// one machine, and the same heatmaps, drawn by the heatmaps array job; a cancelled array task's
/// slides are picked up by `cluster resubmit`, and no slide finished before is done again.
/// Skipped when not root.
final class ClusterRunTests: XCTestCase {
    private var folder: URL!
    private var slurm: LocalSlurm!

    override func setUpWithError() throws {
        guard FileManager.default.isExecutableFile(atPath: Self.slidemil.path) else {
            throw XCTSkip("no slidemil executable at \(Self.slidemil.path); build with `swift build -c release --build-tests`")
        }
        slurm = try LocalSlurm()
        folder = FileManager.default.temporaryDirectory.appendingPathComponent("cluster-run-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        // Eight small synthetic slides and the demo's smallest settings: seconds per slide.
        try run(["synth", slides.path, "--batch", "8", "--width", "2000", "--height", "1500", "--seed", "7"])
        try Data("""
        tile: {targetMpp: 0.5, tileSize: 128, tissueThreshold: 0.5}
        extract: {backbone: resnet18, weights: none, baseWidth: 4, inputSize: 32}
        train: {folds: 2, minimumEpochs: 1, training: {epochs: 8, validationFraction: 0}}
        predict: {heldOutFraction: 0.25}
        heatmap: {maxSide: 512}

        """.utf8).write(to: config)
    }

    override func tearDownWithError() throws {
        slurm?.stop()
        if let folder { try? FileManager.default.removeItem(at: folder) }
    }

    private var slides: URL { folder.appendingPathComponent("slides") }
    private var labels: URL { slides.appendingPathComponent("labels.csv") }
    private var config: URL { folder.appendingPathComponent("config.yaml") }

    func testClusterRunEqualsThePipelineOnOneMachine() throws {
        let single = folder.appendingPathComponent("single")
        var started = Date()
        try run(["pipeline", "--config", config.path, "--slides", slides.path, "--labels", labels.path, "--output", single.path])
        let pipelineSeconds = Date().timeIntervalSince(started)

        let cluster = folder.appendingPathComponent("cluster")
        // --dry-run writes the scripts and submits nothing.
        let dry = try run(submitArguments(cluster) + ["--dry-run"])
        XCTAssertTrue(dry.contains("scripts written"), dry)
        for script in ["features", "train", "heatmaps", "summary"] {
            let text = try String(contentsOf: cluster.appendingPathComponent("slurm/\(script).sbatch"), encoding: .utf8)
            XCTAssertTrue(text.contains("#SBATCH --cpus-per-task="), text)
            XCTAssertEqual(text.contains("#SBATCH --array=0-3"), script == "features" || script == "heatmaps", text)
        }
        XCTAssertFalse(FileManager.default.fileExists(atPath: cluster.appendingPathComponent("slurm/jobs.csv").path))

        started = Date()
        let submitted = try run(submitArguments(cluster))
        let ids = jobIDs(submitted)
        XCTAssertEqual(ids.keys.sorted(), ["features", "heatmaps", "summary", "train"], submitted)
        XCTAssertTrue(submitted.contains("heatmaps\t\(ids["heatmaps"]!)\tarray 0,1,2,3"), submitted)
        try waitUntilGone(ids["summary"]!, timeout: 600, run: cluster)
        let clusterSeconds = Date().timeIntervalSince(started)
        print("cluster run wall time \(String(format: "%.1f", clusterSeconds)) s against pipeline \(String(format: "%.1f", pipelineSeconds)) s (8 slides, array of 4, 1 core per task, \(slurm.cores)-core node)")

        let status = try BuiltToolRun.run(Self.slidemil, ["cluster", "status", cluster.path], environment: slurm.environment)
        XCTAssertEqual(status.status, 0, status.output)
        XCTAssertTrue(status.output.contains("training     done") && status.output.contains("predictions  done"), status.output)
        let summary = try String(contentsOf: cluster.appendingPathComponent("slurm/summary.txt"), encoding: .utf8)
        let extraction = summary.split(separator: "\n").first { $0.hasPrefix("extraction") }?.split(separator: " ").map(String.init)
        XCTAssertEqual(extraction, ["extraction", "8", "0", "0", "0"], summary)
        // 8 slides, a quarter held out: 2 heatmaps, drawn by the array's tasks, none by training.
        let heatmaps = summary.split(separator: "\n").first { $0.hasPrefix("heatmaps") }?.split(separator: " ").map(String.init)
        XCTAssertEqual(heatmaps, ["heatmaps", "2", "0", "0", "0"], summary)
        let trainLog = try logs(cluster, prefix: "train-")
        XCTAssertFalse(trainLog.contains("heatmap: 2 slides into"), trainLog)
        XCTAssertTrue(try logs(cluster, prefix: "heatmaps-").contains("_heatmap.png"))

        try assertSameResults(single, cluster)

        // A heatmaps task run again (a resubmitted one) keeps the pictures drawn from the current attention files.
        let pictures = try fileIdentities(cluster.appendingPathComponent("heatmaps"), suffix: "_heatmap.png")
        XCTAssertEqual(pictures.count, 2)
        try run(["cluster", "heatmaps", "--config", cluster.appendingPathComponent("slurm/config.yaml").path, "--slides", slides.path,
                 "--labels", labels.path, "--output", cluster.path, "--shard", "1/1"])
        XCTAssertEqual(try fileIdentities(cluster.appendingPathComponent("heatmaps"), suffix: "_heatmap.png"), pictures)
    }

    func testACancelledTaskIsResubmittedAndNoSlideIsDoneTwice() throws {
        let cluster = folder.appendingPathComponent("cluster")
        // Held, so that one task can be cancelled before it starts while the others run.
        let ids = jobIDs(try run(submitArguments(cluster) + ["--sbatch-arg=--hold"]))
        let features = try XCTUnwrap(ids["features"])
        try LocalSlurm.run("/usr/bin/scancel", ["\(features)_2"], environment: slurm.environment)
        try LocalSlurm.run("/usr/bin/scontrol", ["release", features, ids["train"]!, ids["summary"]!], environment: slurm.environment)
        // Training waits for every task: with one cancelled it never starts, so wait for the tasks.
        try waitUntilGone(features, timeout: 300, run: cluster)

        let during = try BuiltToolRun.run(Self.slidemil, ["cluster", "status", cluster.path], environment: slurm.environment)
        XCTAssertEqual(during.status, 1, "not complete: \(during.output)")
        let extraction = during.output.split(separator: "\n").first { $0.hasPrefix("extraction") }?.split(separator: " ").compactMap { Int($0) } ?? []
        XCTAssertEqual(extraction.count, 4, during.output)
        XCTAssertEqual(extraction.first.map { $0 + extraction[3] }, 8, "done + pending: \(during.output)")
        XCTAssertTrue(during.output.contains("train PENDING"), during.output)
        let featureFolder = cluster.appendingPathComponent("features")
        let before = try fileIdentities(featureFolder)
        XCTAssertGreaterThan(before.count, 0)
        XCTAssertLessThan(before.count, 8, "the cancelled task's slides have no features yet")

        // The scripts are the user's to edit: without the hold, resubmitted jobs run at once.
        for script in ["features", "train", "heatmaps", "summary"] {
            let url = cluster.appendingPathComponent("slurm/\(script).sbatch")
            let text = try String(contentsOf: url, encoding: .utf8)
            try Data(text.replacingOccurrences(of: "#SBATCH --hold\n", with: "").utf8).write(to: url)
        }
        let resubmitted = try run(["cluster", "resubmit", cluster.path])
        let again = jobIDs(resubmitted)
        XCTAssertTrue(resubmitted.contains("array 2"), "only the cancelled task: \(resubmitted)")
        try waitUntilGone(again["summary"]!, timeout: 600, run: cluster)
        // The resubmitted task keeps its shard of the run's four, though its array has one task.
        let resubmittedLog = try logs(cluster, prefix: "features-\(again["features"]!)_")
        XCTAssertTrue(resubmittedLog.contains("shard 3/4:"), resubmittedLog)

        let after = try fileIdentities(featureFolder)
        XCTAssertEqual(after.count, 8)
        for (name, identity) in before {
            XCTAssertEqual(after[name], identity, "\(name) was written again")
        }
        let status = try BuiltToolRun.run(Self.slidemil, ["cluster", "status", cluster.path], environment: slurm.environment)
        XCTAssertEqual(status.status, 0, status.output)
        XCTAssertTrue(status.output.contains("no job of this run"), status.output)
        XCTAssertEqual(try run(["cluster", "resubmit", cluster.path]).contains("nothing to submit"), true)
    }

    // MARK: - Helpers

    private func submitArguments(_ cluster: URL) -> [String] {
        ["cluster", "submit", "--config", config.path, "--slides", slides.path, "--labels", labels.path, "--output", cluster.path,
         "--array-size", "4", "--cpus-per-task", "1", "--mem", "1G", "--time", "30:00"]
    }

    /// Every feature file and predictions.csv of the two runs agree: features and coordinates bit
    /// for bit, predictions line for line.
    private func assertSameResults(_ single: URL, _ cluster: URL) throws {
        let names = try FileManager.default.contentsOfDirectory(atPath: single.appendingPathComponent("features").path).filter { $0.hasSuffix(".h5") }.sorted()
        XCTAssertEqual(names.count, 8)
        for name in names {
            let one = try FeatureFile.read(from: single.appendingPathComponent("features/\(name)"))
            let other = try FeatureFile.read(from: cluster.appendingPathComponent("features/\(name)"))
            XCTAssertEqual(one.coordinates, other.coordinates, name)
            XCTAssertEqual(one.features.map(\.bitPattern), other.features.map(\.bitPattern), "\(name): features differ")
        }
        let predictions = "predictions/predictions.csv"
        XCTAssertEqual(try String(contentsOf: single.appendingPathComponent(predictions), encoding: .utf8),
                       try String(contentsOf: cluster.appendingPathComponent(predictions), encoding: .utf8))
        let pictures = try FileManager.default.contentsOfDirectory(atPath: single.appendingPathComponent("heatmaps").path)
            .filter { $0.hasSuffix("_heatmap.png") }.sorted()
        XCTAssertEqual(pictures.count, 2)
        for name in pictures {
            XCTAssertEqual(FileManager.default.contents(atPath: single.appendingPathComponent("heatmaps/\(name)").path),
                           FileManager.default.contents(atPath: cluster.appendingPathComponent("heatmaps/\(name)").path), "\(name) differs")
        }
    }

    /// The text of the run's job logs whose names start with `prefix`.
    private func logs(_ cluster: URL, prefix: String) throws -> String {
        let folder = cluster.appendingPathComponent("slurm/logs")
        return try FileManager.default.contentsOfDirectory(atPath: folder.path).filter { $0.hasPrefix(prefix) }.sorted()
            .map { try String(contentsOf: folder.appendingPathComponent($0), encoding: .utf8) }.joined(separator: "\n")
    }

    /// File name → (inode, modification time): a file written again (atomically renamed) changes both.
    private func fileIdentities(_ folder: URL, suffix: String = ".h5") throws -> [String: String] {
        var identities: [String: String] = [:]
        for name in (try? FileManager.default.contentsOfDirectory(atPath: folder.path)) ?? [] where name.hasSuffix(suffix) {
            let attributes = try FileManager.default.attributesOfItem(atPath: folder.appendingPathComponent(name).path)
            identities[name] = "\(attributes[.systemFileNumber] ?? "") \(attributes[.modificationDate] ?? "")"
        }
        return identities
    }

    /// `script → job id` from submit's or resubmit's lines `<script>\t<id>[\tarray ...]`.
    private func jobIDs(_ output: String) -> [String: String] {
        Dictionary(output.split(separator: "\n").compactMap { line in
            let fields = line.split(separator: "\t").map(String.init)
            return fields.count >= 2 && Int(fields[1]) != nil ? (fields[0], fields[1]) : nil
        }, uniquingKeysWith: { _, later in later })
    }

    /// Waits until Slurm no longer lists job `id` (nor its array tasks) as pending or running.
    private func waitUntilGone(_ id: String, timeout: TimeInterval, run cluster: URL) throws {
        let deadline = Date().addingTimeInterval(timeout)
        while Date() < deadline {
            let queue = try LocalSlurm.run("/usr/bin/squeue", ["--noheader", "--array", "--jobs=\(id)", "--format=%i %T %r"], environment: slurm.environment)
            let active = queue.split(separator: "\n").filter { !$0.contains("DependencyNeverSatisfied") }
            if active.isEmpty { return }
            usleep(300_000)
        }
        let logs = (try? FileManager.default.contentsOfDirectory(atPath: cluster.appendingPathComponent("slurm/logs").path)) ?? []
        XCTFail("job \(id) still queued after \(Int(timeout)) s; logs: \(logs)")
    }

    /// Runs slidemil against the local Slurm; fails the test on a non-zero status.
    @discardableResult
    private func run(_ arguments: [String]) throws -> String {
        let result = try BuiltToolRun.run(Self.slidemil, arguments, environment: slurm.environment)
        guard result.status == 0 else {
            XCTFail("slidemil \(arguments.joined(separator: " ")) exited \(result.status): \(result.output.suffix(2000))")
            throw LocalSlurmError.failed(command: arguments.joined(separator: " "), output: result.output)
        }
        return result.output
    }

    /// `slidemil` beside the test bundle.
    static var slidemil: URL {
        let bundle = Bundle(for: ClusterRunTests.self).bundleURL
        return (bundle.pathExtension == "xctest" ? bundle.deletingLastPathComponent() : bundle).appendingPathComponent("slidemil")
    }
}

/// Runs a tool, with an environment if given (else this process's); returns its status and
/// stdout + stderr together.
enum BuiltToolRun {
    static func run(_ tool: URL, _ arguments: [String], environment: [String: String]? = nil) throws -> (status: Int32, output: String) {
        let process = Process()
        process.executableURL = tool
        process.arguments = arguments
        if let environment { process.environment = environment }
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = pipe
        try process.run()
        let data = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return (process.terminationStatus, String(decoding: data, as: UTF8.self))
    }
}
