import Foundation
import RunSupport
import Store

extension PipelineRun {
    /// One worker's share of this run's tiling and feature extraction: the labelled slides of
    /// shard `shard`, with exactly the settings `run()` uses, into the same folders, so that
    /// `run()` afterwards finds every feature file finished and goes straight to training. The
    /// features are those `run()` alone would write: a slide's features depend on its slide and
    /// the settings, never on the shard.
    /// - Throws: as `run()` does before training.
    public func runFeatures(shard: SlideShard?) throws -> SlideFeatureStages.Result {
        try config.validate()
        let inputs = try labelledSlides()
        return try SlideFeatureStages(tile: config.tile, extract: config.extractSettings(), showProgress: showProgress, log: log)
            .run(inputs, root: layout.root, shard: shard)
    }

    /// The slides of `slides` that `labels` names, in label order (what `run()` processes).
    /// - Throws: `PipelineError.unlabelledOrMissing` for a label without a slide, or the
    ///   slide list's and label table's errors.
    public func labelledSlides() throws -> [SlideEntry] {
        try labelledInputs(SlideLabelTable.read(from: URL(fileURLWithPath: labels)))
    }
}
