import ExtractStage
import Foundation
import HeatmapStage
import PredictStage
import RunSupport
import TileStage
import TrainStage

/// Everything `slidemil pipeline` does, stage by stage, as read from a YAML file (e.g.
/// `configs/camelyon16.yaml`) over these defaults, plus `--set key.path=value` overrides.
///
/// Each section is the stage's own settings type, so a key means what the option of the same
/// name means: `tile` (`TileSettings`, `slidemil tile`), `extract` (`ExtractSettings`,
/// `slidemil extract`), `train` (`SlideTrainSettings`, `slidemil train`'s config,
/// `configs/slide-mil.yaml`), `predict` (`PredictSettings`: held-out slides and the model that
/// predicts them) and `heatmap` (`HeatmapSettings`, `slidemil heatmap`).
public struct PipelineConfig: Codable, Equatable, Sendable {
    /// Tissue segmentation and tiling.
    public var tile: TileSettings
    /// The CNN and its weights.
    public var extract: ExtractSettings
    /// Attention-MIL training with cross-validation (`configs/slide-mil.yaml`'s keys).
    public var train: SlideTrainSettings
    /// Held-out slides and the model that predicts them.
    public var predict: PredictSettings
    /// Heatmaps and example tiles of the predicted slides.
    public var heatmap: HeatmapSettings

    /// Defaults: each command's own defaults (extraction with `weights: none`), a quarter of the
    /// slides held out.
    public init(tile: TileSettings = TileSettings(), extract: ExtractSettings = ExtractSettings(),
                train: SlideTrainSettings = SlideTrainSettings(), predict: PredictSettings = PredictSettings(),
                heatmap: HeatmapSettings = HeatmapSettings()) {
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

    /// The extraction settings the pipeline runs: the `extract` section expecting the `tile`
    /// section's tile size, with the encoder's own input size and normalisation where the
    /// section leaves them at their defaults.
    /// - Throws: `TimmModelConfig.Problem` when a `vit`'s `config.json` cannot be read.
    public func extractSettings() throws -> ExtractSettings {
        var settings = extract
        settings.tileSize = tile.grid.tileSize
        try settings.adoptEncoderInput()
        return settings
    }

    /// Checks every section before any stage starts.
    /// - Throws: `SettingRangeError` naming the first key out of range, or a stage's own error
    ///   for values that contradict each other.
    public func validate() throws {
        try tile.validate()
        try extractSettings().validate()
        try train.validate()
        try predict.validate()
        try heatmap.validate()
    }
}
