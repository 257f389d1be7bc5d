import ExtractStage
import Foundation
import RunSupport
import TileStage

/// Tiling then feature extraction of slides into one output folder (`patches/`, `features/` and
/// their process lists), as `slidemil tile` and `slidemil extract` do: the first two stages of
/// `slidemil pipeline`, and what `slidemil predict --from-slides` runs before predicting.
/// Finished slides are skipped on a rerun; a slide that fails is reported and the others go on.
public struct SlideFeatureStages {
    /// Tiling.
    public var tile: TileSettings
    /// Feature extraction, as it runs (see `PipelineConfig.extractSettings()`).
    public var extract: ExtractSettings
    /// Draw progress lines on standard error.
    public var showProgress: Bool
    /// Receives one line per stage.
    public var log: (String) -> Void

    /// What the two stages did.
    public struct Result: Equatable, Sendable {
        /// Tiles of the slides tiled (now or by an earlier run).
        public var tiles: Int
        /// The slides that failed in either stage, in slide order.
        public var failures: [SlideFailure]
        /// The slides tiled without failing in which no tile held enough tissue, in slide order:
        /// their feature files are empty, so no model can be trained on or predict them.
        public var slidesWithoutTiles: [String] = []

        /// Throws `PipelineError.stageFailed` for the first stage that failed any slide.
        public func checked() throws {
            guard let first = failures.first else { return }
            let stage = failures.filter { $0.stage == first.stage }
            throw PipelineError.stageFailed(stage: first.stage,
                                            failures: Dictionary(stage.map { ($0.slideID, $0.reason) }, uniquingKeysWith: { first, _ in first }),
                                            processList: first.processList)
        }
    }

    /// Stages with these settings.
    public init(tile: TileSettings, extract: ExtractSettings, showProgress: Bool, log: @escaping (String) -> Void = { _ in }) {
        self.tile = tile
        self.extract = extract
        self.showProgress = showProgress
        self.log = log
    }

    /// Tiles and extracts `slides` under `root`; a slide that fails tiling is not extracted. With
    /// `shard`, only that shard's slides, as one of several workers sharing `root`; a slide
    /// another worker holds is left to it (in neither `tiles` nor `failures`).
    /// - Throws: the setting and weight errors of the stages, `SlideListError` for duplicate or
    ///   unsafe ids, `OutputFolderLockError`, or a process list that cannot be written; slides
    ///   that fail are in the result.
    public func run(_ slides: [SlideEntry], root: String, shard: SlideShard? = nil) throws -> Result {
        // Both stages run the same share: the shard is cut once, from the whole list.
        let slides = shard?.select(slides) ?? slides
        let tileSettings = tile, extractSettings = extract
        try tileSettings.validate()
        try extractSettings.validate()
        // Weights load before any work, so a missing or mismatched file stops the run at once.
        let model = try ExtractModel(settings: extractSettings)
        let layout = RunLayout(root: root, featureFolder: extractSettings.featureFolderName)
        log("tile: \(slides.count) slides into \(layout.patches)")
        let tiled = try SlideBatchRunner(slides: slides, output: layout.rootURL, sharedFolder: shard != nil, showProgress: showProgress)
            .run(TilePipeline(settings: tileSettings, output: layout.rootURL))
        var failures = zip(slides, tiled).compactMap { slide, outcome in
            outcome.failure.map { SlideFailure(slideID: slide.slideID, stage: "tiling", reason: $0, processList: layout.path(RunLayout.tileProcessList)) }
        }
        let tiledSlides = zip(slides, tiled).filter { $0.1.tiles != nil }.map(\.0)
        let tiles = tiled.reduce(0) { $0 + ($1.tiles ?? 0) }
        log("extract: \(tiles) tiles into \(layout.features)"
            + (model.isRandom ? " (\(model.weightsLabel) backbone: features of random filters, for demos and tests)" : ""))
        let extracted = try SlideBatchRunner(slides: tiledSlides, output: layout.rootURL, sharedFolder: shard != nil, showProgress: showProgress)
            .run(ExtractPipeline(model: model, settings: extractSettings, output: layout.rootURL))
        failures += zip(tiledSlides, extracted).compactMap { slide, outcome in
            outcome.failure.map {
                SlideFailure(slideID: slide.slideID, stage: "feature extraction", reason: $0, processList: layout.path(RunLayout.extractProcessList))
            }
        }
        let slidesWithoutTiles = zip(slides, tiled).filter { $0.1.tiles == 0 }.map(\.0.slideID)
        return Result(tiles: tiles, failures: failures, slidesWithoutTiles: slidesWithoutTiles)
    }
}

/// A slide a pipeline stage could not process; the others went on without it.
public struct SlideFailure: Equatable, Sendable {
    /// The slide's id.
    public var slideID: String
    /// The stage, e.g. "tiling".
    public var stage: String
    /// The error, one line.
    public var reason: String
    /// Where the stage recorded it (a process list), or the output folder.
    public var processList: String

    /// `<id> (<stage>): <reason>`.
    public var description: String { "\(slideID) (\(stage)): \(reason)" }
}
