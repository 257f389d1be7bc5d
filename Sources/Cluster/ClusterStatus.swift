import Foundation
import Pipeline
import RunSupport
import Store

/// Where a cluster run stands, per stage: slides done, failed, running (a worker holds the
/// slide's claim now) and pending, from the process lists and claims; the failed slides with
/// their one-line errors; whether training and prediction have finished; and what Slurm still
/// lists of the run's jobs.
public struct ClusterStatus: Sendable {
    /// One per-slide stage's counts.
    public struct StageCounts: Sendable {
        /// The stage's name, e.g. "extraction".
        public var stage: String
        /// Slides whose row says processed.
        public var done = 0
        /// Slides whose row says failed (retried by the next run).
        public var failed = 0
        /// Slides a worker holds the claim of now.
        public var running = 0
        /// Slides not attempted yet, or whose worker died mid-slide.
        public var pending = 0
        /// `(slide_id, error)` of the failed slides, in slide order.
        public var failures: [(slideID: String, error: String)] = []
    }

    /// Tiling, extraction and heatmaps, in that order.
    public var stages: [StageCounts]
    /// Cross-validation finished (`mil/summary.csv` written).
    public var trained: Bool
    /// Held-out predictions written (`predictions/predictions.csv`).
    public var predicted: Bool
    /// The run's jobs Slurm still lists: `(job id, script, state, reason)`.
    public var queue: [(id: String, script: String, state: String, reason: String)]

    /// The status of the run at `run`, asking `slurm` about its jobs (nil: leave Slurm out).
    /// - Throws: `ClusterError.notAClusterRun`, or errors reading the run's files.
    public static func read(run: String, slurm: Slurm?) throws -> ClusterStatus {
        let cluster = ClusterLayout(run: run)
        let request = try ClusterSubmission.loadRequest(cluster)
        let config = try PipelineConfig.load(file: URL(fileURLWithPath: cluster.config))
        let pipeline = PipelineRun(config: config, slides: request.slides, labels: request.labels, output: run, showProgress: false)
        let layout = pipeline.layout
        let slides = try pipeline.labelledSlides().map(\.slideID)
        var stages = [
            try counts("tiling", slides: slides, folder: layout.rootURL, list: RunLayout.tileProcessList),
            try counts("extraction", slides: slides, folder: layout.rootURL, list: RunLayout.extractProcessList),
        ]
        let predicted = FileManager.default.fileExists(atPath: layout.predictionsRun.predictionsCSV.path)
        // Before prediction, the held-out slides; after it, those the heatmaps job draws.
        var heatmapSlides: [String]
        if predicted {
            heatmapSlides = try pipeline.predictedHeatmapSlides().map(\.slideID)
        } else {
            heatmapSlides = FileManager.default.fileExists(atPath: layout.heldOutLabels)
                ? try SlideLabelTable.read(from: URL(fileURLWithPath: layout.heldOutLabels)).entries.map(\.slideID) : []
            if config.heatmap.slides > 0 { heatmapSlides = Array(heatmapSlides.prefix(config.heatmap.slides)) }
        }
        stages.append(try counts("heatmaps", slides: heatmapSlides, folder: URL(fileURLWithPath: layout.heatmaps), list: RunLayout.heatmapProcessList))

        var queue: [(id: String, script: String, state: String, reason: String)] = []
        if let slurm {
            let jobs = try ClusterJobs.load(from: cluster.jobs).jobs
            let scripts = Dictionary(jobs.map { ($0.id, $0.script.rawValue) }, uniquingKeysWith: { _, later in later })
            for entry in try slurm.queue(jobs.map(\.id)) {
                let base = String(entry.id.prefix { $0 != "_" })
                queue.append((entry.id, scripts[base] ?? "", entry.state, entry.reason))
            }
        }
        return ClusterStatus(stages: stages,
                             trained: FileManager.default.fileExists(atPath: (layout.model as NSString).appendingPathComponent("summary.csv")),
                             predicted: predicted, queue: queue)
    }

    /// Whether every stage has finished every slide.
    public var isComplete: Bool {
        trained && predicted && stages.allSatisfy { $0.failed + $0.running + $0.pending == 0 }
    }

    /// The report `slidemil cluster status` prints.
    public var report: String {
        var lines = ["stage        done  failed  running  pending"]
        for stage in stages {
            lines.append(stage.stage.padding(toLength: 12, withPad: " ", startingAt: 0)
                         + [stage.done, stage.failed, stage.running, stage.pending].map { String(format: " %6d ", $0) }.joined())
        }
        lines.append("training     \(trained ? "done" : "not done")")
        lines.append("predictions  \(predicted ? "done" : "not done")")
        if queue.isEmpty {
            lines.append("slurm: no job of this run queued or running")
        } else {
            lines.append("slurm:")
            lines += queue.map { "  \($0.id) \($0.script) \($0.state)\($0.reason == "None" || $0.reason.isEmpty ? "" : " (\($0.reason))")" }
        }
        let failures = stages.flatMap { stage in stage.failures.map { "  \($0.slideID) (\(stage.stage)): \($0.error)" } }
        if !failures.isEmpty { lines += ["failed slides:"] + failures }
        return lines.joined(separator: "\n")
    }

    static func counts(_ stage: String, slides: [String], folder: URL, list name: String) throws -> StageCounts {
        let url = folder.appendingPathComponent(name)
        let list = FileManager.default.fileExists(atPath: url.path) ? try ProcessList.load(from: url) : nil
        var counts = StageCounts(stage: stage)
        for slide in slides {
            let record = list?.record(for: slide)
            if SlideClaim.isHeld(slideID: slide, stage: name, output: folder) {
                counts.running += 1
            } else if record?.status == .processed {
                counts.done += 1
            } else if record?.status == .failed {
                counts.failed += 1
                counts.failures.append((slide, record?.error ?? ""))
            } else {
                counts.pending += 1
            }
        }
        return counts
    }
}
