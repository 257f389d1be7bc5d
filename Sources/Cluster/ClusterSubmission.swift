import Foundation
import Pipeline
import RunSupport
import Store

/// Prepares and submits a cluster run: `RUN/slurm/` with the request, the effective pipeline
/// config and the scripts (`SbatchScript`), then the jobs, each after the ones it needs:
/// features (array) → train (`afterok`: only when every shard succeeded) → heatmaps (array,
/// `afterok`) → summary (`afterany`).
public enum ClusterSubmission {
    /// Writes `request.json`, `config.yaml` and the scripts for `request` with `config`.
    /// - Throws: `ClusterError.badRequest`, config errors, or a write error.
    @discardableResult
    public static func prepare(_ request: ClusterRequest, config: PipelineConfig) throws -> ClusterLayout {
        try request.validate()
        try config.validate()
        let layout = ClusterLayout(run: request.output)
        try AtomicFile.createFolder(URL(fileURLWithPath: layout.logs))
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        try AtomicFile.write(try encoder.encode(request), to: URL(fileURLWithPath: layout.request))
        try AtomicFile.write(Data(try ConfigLoader.yaml(config).utf8), to: URL(fileURLWithPath: layout.config))
        for script in SbatchScript.allCases {
            try AtomicFile.write(Data(script.text(request, config: layout.config).utf8), to: URL(fileURLWithPath: layout.script(script)))
        }
        return layout
    }

    /// The request saved in a run's `slurm/request.json`.
    /// - Throws: `ClusterError.notAClusterRun` when it is missing or unreadable.
    public static func loadRequest(_ layout: ClusterLayout) throws -> ClusterRequest {
        guard let data = FileManager.default.contents(atPath: layout.request),
              let request = try? JSONDecoder().decode(ClusterRequest.self, from: data) else {
            throw ClusterError.notAClusterRun(folder: layout.run)
        }
        return request
    }

    /// Submits the run's jobs: the features array for `features` (0-based task ids; nil = all,
    /// empty = no features job), training when `train`, the heatmaps array for `heatmaps` (as
    /// `features`), then the summary, each after the one before. Returns the jobs submitted, in
    /// order.
    /// - Throws: `ClusterError.slurm` when sbatch refuses; jobs submitted before stay recorded.
    public static func submit(_ layout: ClusterLayout, slurm: Slurm, features: [Int]? = nil, train: Bool = true,
                              heatmaps: [Int]? = nil) throws -> [ClusterJobs.Job] {
        let request = try loadRequest(layout)
        var record = try ClusterJobs.load(from: layout.jobs)
        var submitted: [ClusterJobs.Job] = []
        func submit(_ script: SbatchScript, tasks: [Int]?, after previous: String?, when condition: String) throws -> String {
            var arguments = previous.map { ["--dependency=\(condition):\($0)"] } ?? []
            // A heatmaps job whose training failed is ended by Slurm rather than left pending
            // forever, so the summary after it (afterany) still runs and reports the failure.
            if script == .heatmaps && previous != nil { arguments.append("--kill-on-invalid-dep=yes") }
            let array = tasks?.map(String.init).joined(separator: ",") ?? ""
            if !array.isEmpty { arguments.append("--array=\(array)") }
            let id = try slurm.submit(script: layout.script(script), arguments: arguments)
            let job = ClusterJobs.Job(script: script, id: id, array: array, submitted: ISO8601DateFormatter().string(from: Date()))
            try record.append(job, savingTo: layout.jobs)
            submitted.append(job)
            return id
        }
        let all = Array(0..<request.arraySize)
        let featureTasks = features ?? all, heatmapTasks = heatmaps ?? all
        var last: String?
        if !featureTasks.isEmpty { last = try submit(.features, tasks: featureTasks, after: last, when: "afterok") }
        if train { last = try submit(.train, tasks: nil, after: last, when: "afterok") }
        if !heatmapTasks.isEmpty { last = try submit(.heatmaps, tasks: heatmapTasks, after: last, when: "afterok") }
        _ = try submit(.summary, tasks: nil, after: last, when: "afterany")
        return submitted
    }

    /// Submits what is unfinished: the features tasks whose shard still has a slide without
    /// features, then training (with prediction) and every heatmaps task; after training and
    /// prediction, only the heatmaps tasks whose shard has a slide without its heatmap; then the
    /// summary. Nothing when the run is complete. Jobs of the run that can no longer start
    /// usefully are cancelled first: with slides unfinished and no features task left queued or
    /// running, a pending training job waits on a task that failed or was cancelled, and the
    /// heatmaps and summary on it.
    /// - Throws: `ClusterError.stillActive` when another job of the run is queued or running.
    public static func resubmit(_ layout: ClusterLayout, slurm: Slurm) throws -> [ClusterJobs.Job] {
        let request = try loadRequest(layout)
        let config = try PipelineConfig.load(file: URL(fileURLWithPath: layout.config))
        let pipeline = PipelineRun(config: config, slides: request.slides, labels: request.labels, output: layout.run, showProgress: false)
        let slides = try pipeline.labelledSlides()
        let unfinished = Set(slides.map(\.slideID)).subtracting(try finishedSlides(pipeline.layout.rootURL.appendingPathComponent(RunLayout.extractProcessList)))

        let jobs = try ClusterJobs.load(from: layout.jobs).jobs
        let featureJobs = Set(jobs.filter { $0.script == .features }.map(\.id))
        let queued = try slurm.queue(jobs.map(\.id))
        // Array tasks show as `<job>_<task>`.
        let isFeatures = { (id: String) in featureJobs.contains(String(id.prefix { $0 != "_" })) }
        let featuresActive = queued.contains { isFeatures($0.id) }
        let stale = queued.filter { entry in
            entry.reason.contains("DependencyNeverSatisfied")
                || (!unfinished.isEmpty && !featuresActive && entry.state == "PENDING" && !isFeatures(entry.id))
        }
        try slurm.cancel(stale.map(\.id))
        let active = queued.filter { entry in !stale.contains { $0.id == entry.id } }
        guard active.isEmpty else { throw ClusterError.stillActive(jobs: active.map(\.id)) }

        let status = try ClusterStatus.read(run: layout.run, slurm: nil)
        guard !status.isComplete else { return [] }
        if !unfinished.isEmpty {
            return try submit(layout, slurm: slurm, features: try tasks(request, slides) { unfinished.contains($0.slideID) })
        }
        guard status.trained && status.predicted else { return try submit(layout, slurm: slurm, features: []) }
        let drawn = try finishedSlides(URL(fileURLWithPath: pipeline.layout.heatmaps).appendingPathComponent(RunLayout.heatmapProcessList))
        let heatmaps = try tasks(request, try pipeline.predictedHeatmapSlides()) { !drawn.contains($0.slideID) }
        return try submit(layout, slurm: slurm, features: [], train: false, heatmaps: heatmaps)
    }

    /// The 0-based array tasks whose shard of `slides` has a slide `unfinished` picks.
    private static func tasks(_ request: ClusterRequest, _ slides: [SlideEntry], unfinished: (SlideEntry) -> Bool) throws -> [Int] {
        try (0..<request.arraySize).filter { task in
            try SlideShard(index: task + 1, count: request.arraySize).select(slides).contains(where: unfinished)
        }
    }

    /// Slides whose row in the process list at `url` says processed.
    private static func finishedSlides(_ url: URL) throws -> Set<String> {
        guard FileManager.default.fileExists(atPath: url.path) else { return [] }
        return Set(try ProcessList.load(from: url).records.filter { $0.status == .processed }.map(\.slideID))
    }
}
