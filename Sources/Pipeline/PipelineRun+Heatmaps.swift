import Foundation
import HeatmapStage
import RunSupport
import Store

extension PipelineRun {
    /// What a run of the heatmap stage did.
    public struct HeatmapResult: Equatable, Sendable {
        /// The pictures drawn now or by an earlier worker, in slide order.
        public var pictures: [URL]
        /// The slides whose heatmap failed, in slide order.
        public var failures: [SlideFailure]
    }

    /// The held-out slides whose heatmaps the run draws: `heldOut` (the predicted slides, in
    /// label order), at most `heatmap.slides` of them, as `inputs` names their files.
    func heatmapSlides(_ heldOut: [SlideLabel], inputs: [SlideEntry]) -> [SlideEntry] {
        let drawn = config.heatmap.slides > 0 ? Array(heldOut.prefix(config.heatmap.slides)) : heldOut
        let byID = Dictionary(inputs.map { ($0.slideID, $0) }, uniquingKeysWith: { first, _ in first })
        return drawn.compactMap { byID[$0.slideID] }
    }

    /// Draws the heatmaps of `slides` into `heatmaps/` from the run's attention and patch files.
    /// With `shard`, as one of several workers sharing the folder: each slide is claimed, and a
    /// slide whose picture another worker drew from the current attention file is not redrawn.
    func drawHeatmaps(_ slides: [SlideEntry], shard: SlideShard?) throws -> HeatmapResult {
        let heatmaps = RunLayout(root: layout.heatmaps)
        var stage = HeatmapBatch(settings: config.heatmap, predictions: layout.predictionsRun, tiles: layout, output: heatmaps.rootURL)
        stage.resumesFinished = shard != nil
        let outcomes = try SlideBatchRunner(slides: slides, output: heatmaps.rootURL, sharedFolder: shard != nil, showProgress: showProgress)
            .run(stage)
        var result = HeatmapResult(pictures: [], failures: [])
        for (slide, outcome) in zip(slides, outcomes) {
            if let reason = outcome.failure {
                result.failures.append(SlideFailure(slideID: slide.slideID, stage: "heatmap", reason: reason,
                                                    processList: heatmaps.path(RunLayout.heatmapProcessList)))
            } else if outcome.tiles != nil {
                result.pictures.append(heatmaps.heatmapPicture(slide.slideID))
            }
        }
        return result
    }

    /// One worker's share of a finished run's heatmaps (what `slidemil cluster heatmaps` runs
    /// after training and prediction): the slides `run()` would draw, the held-out slides of
    /// `splits/held_out.csv` that have an attention file, cut into shards by file size. Without
    /// `shard`, every one of them, alone in the folder.
    /// - Throws: `PipelineError.notPredicted` before prediction, or the errors of `run()`'s
    ///   heatmap stage; slides that fail are in the result.
    public func runHeatmaps(shard: SlideShard?) throws -> HeatmapResult {
        try config.validate()
        let slides = try predictedHeatmapSlides()
        let share = shard?.select(slides) ?? slides
        log("heatmap: \(share.count) slides\(shard.map { " (shard \($0) of \(slides.count))" } ?? "") into \(layout.heatmaps)")
        return try drawHeatmaps(share, shard: shard)
    }

    /// The slides whose heatmaps a run that has predicted draws: the held-out slides of
    /// `splits/held_out.csv` with an attention file (prediction skips slides that failed in
    /// tiling or extraction, as `run()` does), at most `heatmap.slides` of them, in label order.
    /// - Throws: `PipelineError.notPredicted` before prediction, or the slide list's and label
    ///   table's errors.
    public func predictedHeatmapSlides() throws -> [SlideEntry] {
        guard FileManager.default.fileExists(atPath: layout.heldOutLabels) else {
            throw PipelineError.notPredicted(output: layout.root, missing: layout.heldOutLabels)
        }
        let heldOut = try SlideLabelTable.read(from: URL(fileURLWithPath: layout.heldOutLabels)).entries
        let predicted = heldOut.filter { FileManager.default.fileExists(atPath: layout.predictionsRun.attentionPath($0.slideID)) }
        return heatmapSlides(predicted, inputs: try labelledSlides())
    }
}
