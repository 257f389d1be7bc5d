import Foundation

/// Tiling then feature extraction of slides into one output folder (`patches/`, `features/` and
/// their process lists), as `slidemil tile` and `slidemil extract` do: the first two stages of
/// `slidemil pipeline`, and what `slidemil predict --from-slides` runs before predicting.
/// Finished slides are skipped on a rerun; a slide that fails stops the stage with its reason.
public struct SlideFeatureStages {
    public var tile: PipelineTileConfig
    public var extract: PipelineExtractConfig
    public var showProgress: Bool
    /// Receives one line per stage.
    public var log: (String) -> Void

    /// Stages with these settings.
    public init(tile: PipelineTileConfig, extract: PipelineExtractConfig, showProgress: Bool, log: @escaping (String) -> Void = { _ in }) {
        self.tile = tile
        self.extract = extract
        self.showProgress = showProgress
        self.log = log
    }

    /// Tiles and extracts `inputs` under `root`; returns the number of tiles.
    /// - Throws: `PipelineError.stageFailed` listing the slides that failed (details in the
    ///   stage's process list), or the setting and weight errors of the stages.
    @discardableResult
    public func run(_ inputs: [TileInput], root: String) throws -> Int {
        let tileSettings = try tile.settings()
        let extractSettings = try extract.settings(tileSize: tile.tileSize)
        // Weights load before any work, so a missing or mismatched file stops the run at once.
        let model = try ExtractModel(settings: extractSettings)
        let layout = PipelineLayout(root: root, featureFolder: extractSettings.featureFolderName)
        log("tile: \(inputs.count) slides into \(layout.patches)")
        let tiled = try TilePipeline.run(inputs, output: URL(fileURLWithPath: root), settings: tileSettings,
                                         progress: ProgressReporter(label: "tiling", unit: "tiles", enabled: showProgress))
        try Self.check(zip(inputs, tiled).compactMap { input, outcome in
            if case let .failed(reason) = outcome { return (input.slideID, reason) } else { return nil }
        }, stage: "tiling", processList: layout.path("process_list.csv"))
        let tiles = tiled.reduce(0) { total, outcome in
            switch outcome {
            case let .tiled(count), let .alreadyDone(count): return total + count
            case .failed: return total
            }
        }
        log("extract: \(tiles) tiles into \(layout.features)"
            + (model.isRandom ? " (\(model.weightsLabel) backbone: features of random filters, for demos and tests)" : ""))
        let extracted = try ExtractPipeline.run(inputs, output: URL(fileURLWithPath: root), model: model,
                                                settings: extractSettings, showProgress: showProgress)
        try Self.check(zip(inputs, extracted).compactMap { input, outcome in
            if case let .failed(reason) = outcome { return (input.slideID, reason) } else { return nil }
        }, stage: "feature extraction", processList: layout.path(ExtractPipeline.processListName))
        return tiles
    }

    private static func check(_ failures: [(String, String)], stage: String, processList: String) throws {
        guard !failures.isEmpty else { return }
        throw PipelineError.stageFailed(stage: stage, failures: Dictionary(failures, uniquingKeysWith: { first, _ in first }),
                                        processList: processList)
    }
}
