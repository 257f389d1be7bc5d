import ExtractStage
import HeatmapStage
import PredictStage
import RunSupport
import TileStage
import TrainStage

/// The pipeline config's keys as the Markdown table in docs/configuration.md, made from the
/// settings types' key tables so the docs cannot drift from the code.
public enum PipelineSettingsTable {
    /// One row per key of the `tile`, `extract`, `train`, `predict` and `heatmap` sections: key,
    /// default, range, meaning.
    public static func markdown() -> String {
        var lines = ["| key | default | range | meaning |", "|---|---|---|---|"]
        lines += rows(TileSettings.self) + rows(ExtractSettings.self)
        lines += rows(SlideTrainSettings.self) + rows(PredictSettings.self) + rows(HeatmapSettings.self)
        return lines.joined(separator: "\n") + "\n"
    }

    private static func rows<Settings: StageSettings>(_ type: Settings.Type) -> [String] {
        let defaults = Settings()
        return Settings.keys.filter { $0.place != .commandLineOnly }.map { key in
            let option = key.place == .everywhere ? " (`\(key.option)`)" : ""
            let help = key.help.replacingOccurrences(of: "|", with: "\\|")
            return "| `\(Settings.section).\(key.name)`\(option) | `\(key.valueText(of: defaults))` | \(key.range.map { "\($0)" } ?? "") | \(help) |"
        }
    }
}
