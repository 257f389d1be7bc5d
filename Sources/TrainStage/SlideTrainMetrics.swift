import MIL

/// The measures of one fold, written as `fold-<n>/metrics.json`.
public struct SlideFoldMetrics: Codable, Equatable, Sendable {
    public var fold: Int
    /// Bags trained on, watched for early stopping, and measured.
    public var trainingBags: Int
    public var validationBags: Int
    public var evaluatedBags: Int
    /// `test` when the fold had held-out test bags, else `validation`.
    public var evaluatedOn: String
    /// ROC AUC on the evaluated bags; nil with one class only.
    public var auc: Double?
    /// Accuracy at threshold 0.5.
    public var accuracy: Double?
    /// Mean of sensitivity and specificity at 0.5.
    public var balancedAccuracy: Double?
    /// Mean BCE on the evaluated bags.
    public var loss: Float
    /// Epoch whose weights were kept (lowest validation loss, or the last one).
    public var bestEpoch: Int
    /// Loss and validation curves, one record per epoch.
    public var epochs: [MILEpochRecord<BinaryMeasures>]
}

/// Mean and sample standard deviation of one measure across folds (std 0 for one fold).
public struct FoldStatistic: Codable, Equatable, Sendable {
    public var mean: Double
    public var std: Double

    /// Statistics of the non-nil `values`; nil when none.
    public init?(_ values: [Double?]) {
        let present = values.compactMap { $0 }
        guard !present.isEmpty else { return nil }
        let average = present.reduce(0, +) / Double(present.count)
        let squares = present.reduce(0) { $0 + ($1 - average) * ($1 - average) }
        mean = average
        std = present.count > 1 ? (squares / Double(present.count - 1)).squareRoot() : 0
    }
}

/// Results across folds, written as `summary.json` and `summary.csv`.
public struct SlideTrainSummary: Codable, Equatable, Sendable {
    public var folds: [SlideFoldMetrics]
    public var auc: FoldStatistic?
    public var accuracy: FoldStatistic?
    public var balancedAccuracy: FoldStatistic?
    /// Class names of 1 and 0.
    public var labels: SlideLabelMapping

    /// The summary of these folds.
    public init(folds: [SlideFoldMetrics], labels: SlideLabelMapping) {
        self.folds = folds
        self.labels = labels
        auc = FoldStatistic(folds.map(\.auc))
        accuracy = FoldStatistic(folds.map(\.accuracy))
        balancedAccuracy = FoldStatistic(folds.map(\.balancedAccuracy))
    }

    /// CSV rows `fold,auc,accuracy,balanced_accuracy,loss` per fold, then `mean` and `std` rows.
    public var csv: String {
        func cell(_ value: Double?) -> String { value.map { String(format: "%.6f", $0) } ?? "" }
        var lines = ["fold,auc,accuracy,balanced_accuracy,loss"]
        for fold in folds {
            lines.append("\(fold.fold),\(cell(fold.auc)),\(cell(fold.accuracy)),\(cell(fold.balancedAccuracy)),\(cell(Double(fold.loss)))")
        }
        lines.append("mean,\(cell(auc?.mean)),\(cell(accuracy?.mean)),\(cell(balancedAccuracy?.mean)),")
        lines.append("std,\(cell(auc?.std)),\(cell(accuracy?.std)),\(cell(balancedAccuracy?.std)),")
        return lines.joined(separator: "\n") + "\n"
    }

    /// One line per fold and the mean ± std, for the terminal.
    public var table: String {
        func text(_ value: Double?) -> String { value.map { String(format: "%.4f", $0) } ?? "n/a" }
        var lines = folds.map { "fold \($0.fold): AUC \(text($0.auc)), accuracy \(text($0.accuracy)), balanced accuracy \(text($0.balancedAccuracy)) on \($0.evaluatedBags) \($0.evaluatedOn) bags" }
        func stat(_ s: FoldStatistic?) -> String { s.map { String(format: "%.4f ± %.4f", $0.mean, $0.std) } ?? "n/a" }
        lines.append("mean ± std: AUC \(stat(auc)), accuracy \(stat(accuracy)), balanced accuracy \(stat(balancedAccuracy))")
        return lines.joined(separator: "\n")
    }
}
