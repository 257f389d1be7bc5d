import Foundation
import RunSupport
import TrainStage

/// Everything `slidemil pipeline` does, stage by stage, as read from a YAML file (e.g.
/// `configs/camelyon16.yaml`) over these defaults, plus `--set key.path=value` overrides.
///
/// Each section holds what the stage's own command takes, under its option names, so a key
/// means what the option of the same name means: `tile` (`slidemil tile`), `extract`
/// (`slidemil extract`), `train` (`slidemil train`'s config, `configs/slide-mil.yaml`),
/// `predict` (held-out slides and the model that predicts them) and `heatmap` (`slidemil heatmap`).
public struct PipelineConfig: Codable, Equatable, Sendable {
    /// Tissue segmentation and tiling.
    public var tile: PipelineTileConfig
    /// The CNN and its weights.
    public var extract: PipelineExtractConfig
    /// Attention-MIL training with cross-validation (`configs/slide-mil.yaml`'s keys).
    public var train: SlideTrainSettings
    /// Held-out slides and the model that predicts them.
    public var predict: PipelinePredictConfig
    /// Heatmaps and example tiles of the predicted slides.
    public var heatmap: PipelineHeatmapConfig

    /// Defaults: each command's own defaults (extraction with `weights: none`), a quarter of the
    /// slides held out.
    public init(tile: PipelineTileConfig = PipelineTileConfig(), extract: PipelineExtractConfig = PipelineExtractConfig(),
                train: SlideTrainSettings = SlideTrainSettings(), predict: PipelinePredictConfig = PipelinePredictConfig(),
                heatmap: PipelineHeatmapConfig = PipelineHeatmapConfig()) {
        self.tile = tile
        self.extract = extract
        self.train = train
        self.predict = predict
        self.heatmap = heatmap
    }

    /// Loads `file` (when given) over the defaults, then `overrides`.
    /// - Throws: `ConfigError` for unreadable files, unknown keys and bad values.
    public static func load(file: URL?, overrides: [String] = []) throws -> PipelineConfig {
        try ConfigLoader.load(defaults: PipelineConfig(), file: file, overrides: overrides)
    }

    /// Checks every section before any stage starts.
    /// - Throws: `PipelineError.invalidSetting`, `TilingError`, `ExtractError` or
    ///   `HeatmapSettingsError` naming the first bad value.
    public func validate() throws {
        _ = try tile.settings()
        _ = try extract.settings(tileSize: tile.tileSize)
        _ = try heatmap.settings()
        guard (0..<1).contains(predict.heldOutFraction) else {
            throw PipelineError.invalidSetting(key: "predict.heldOutFraction", problem: "must be in 0 ..< 1")
        }
        guard train.folds >= 1 else { throw PipelineError.invalidSetting(key: "train.folds", problem: "must be at least 1") }
        try train.validate()
    }
}
