import Foundation
import TrainStage

/// The closing table of `slidemil pipeline` and `slidemil demo`: one row per stage with what it
/// gave and where its files are.
public enum PipelineSummary {
    /// One row: the stage, its result in words, its output path.
    public struct Row: Equatable, Sendable {
        /// What ran, e.g. `tiles`.
        public var stage: String
        /// Its result in words.
        public var result: String
        /// Where its files are.
        public var location: String

        /// A row of the three cells.
        public init(_ stage: String, _ result: String, _ location: String) {
            self.stage = stage
            self.result = result
            self.location = location
        }
    }

    /// The rows of a pipeline run: slides, tiles, features, cross-validation, held-out
    /// predictions and heatmaps.
    public static func rows(_ report: PipelineReport) -> [Row] {
        let layout = report.layout
        let slides = report.trainingSlides.count + report.heldOutSlides.count
        var rows = [
            Row("slides", "\(slides) (\(report.trainingSlides.count) trained on, \(report.heldOutSlides.count) held out)", layout.slidesCSV),
            Row("tiles", "\(report.tiles)", layout.patches),
            Row("features", "\(report.featureWidth) per tile", layout.features),
        ]
        if let cv = report.crossValidation {
            rows.append(Row("cross-validation", "\(cv.folds.count) fold(s), AUC \(statistic(cv.auc)), balanced accuracy \(statistic(cv.balancedAccuracy))",
                            layout.model))
        }
        if let cv = report.multiclassCrossValidation {
            rows.append(Row("cross-validation", "\(cv.folds.count) fold(s), \(cv.classes.count) classes, macro AUC \(statistic(cv.macroAUC)), balanced accuracy \(statistic(cv.balancedAccuracy))",
                            layout.model))
        }
        if !report.heldOutSlides.isEmpty {
            rows.append(Row("held-out slides", "\(report.multiclassCrossValidation == nil ? "AUC" : "macro AUC") \(number(report.heldOutAUC)), accuracy \(number(report.heldOutAccuracy)) (\(predictor(report.predictingFolds)))",
                            (layout.predictions as NSString).appendingPathComponent("predictions.csv")))
            rows.append(Row("heatmaps", "\(report.heatmaps.count) slides, with top and bottom tiles", layout.heatmaps))
        }
        return rows
    }

    /// "fold 2's model" or "mean of 4 fold models".
    static func predictor(_ folds: [Int]) -> String {
        folds.count == 1 ? "fold \(folds[0])'s model" : "mean of \(folds.count) fold models"
    }

    /// The rows of `report` as an aligned table.
    public static func table(_ report: PipelineReport) -> String { table(rows(report)) }

    /// `rows` as an aligned three-column table with a header.
    public static func table(_ rows: [Row]) -> String {
        let all = [Row("stage", "result", "output")] + rows
        let stageWidth = all.map(\.stage.count).max() ?? 0, resultWidth = all.map(\.result.count).max() ?? 0
        func pad(_ text: String, _ width: Int) -> String { text + String(repeating: " ", count: width - text.count) }
        return all.map { "\(pad($0.stage, stageWidth))  \(pad($0.result, resultWidth))  \($0.location)" }.joined(separator: "\n")
    }

    /// "0.9375 ± 0.1250", or "n/a".
    static func statistic(_ value: FoldStatistic?) -> String {
        value.map { String(format: "%.3f ± %.3f", $0.mean, $0.std) } ?? "n/a"
    }

    /// "0.938", or "n/a".
    public static func number(_ value: Double?) -> String {
        value.map { String(format: "%.3f", $0) } ?? "n/a"
    }
}
