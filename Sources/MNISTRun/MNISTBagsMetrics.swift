import MIL
import RunSupport

/// The figures of one `slidemil mnist` run, written to `metrics.json`.
public struct MNISTBagsMetrics: Codable, Sendable {
    /// Pretraining per epoch; empty when the features came from the run folder's cache.
    public var pretraining: [MNISTPretrainingEpoch]
    /// Whether the CNN and features were reused from an earlier run with the same settings.
    public var reusedFeatures: Bool
    public var featureWidth: Int
    public var trainingBags: Int
    public var testBags: Int
    /// Share of positive bags among the training / test bags.
    public var trainingPositiveRate: Double
    public var testPositiveRate: Double
    /// Test accuracy of always answering the training majority class.
    public var majorityBaselineAccuracy: Double
    public var milHistory: [MILEpochRecord]
    public var testLoss: Float
    public var testAccuracy: Double
    public var testAUC: Double?
    public var testBalancedAccuracy: Double?
    public var confusion: ConfusionMatrix
    /// In positive test bags, how often the highest-weight instance is an image of the target digit.
    public var topInstanceTargetRate: Double?
    /// Wall-clock seconds of the whole run and of its parts.
    public var secondsPretraining: Double
    public var secondsFeatures: Double
    public var secondsMIL: Double
    public var secondsTotal: Double

    /// A short plain-text table of the main results.
    public var table: String {
        func format(_ value: Double?) -> String { value.map { String(format: "%.4f", $0) } ?? "n/a" }
        var rows: [(String, String)] = []
        if let last = pretraining.last {
            rows.append(("CNN validation accuracy", format(last.validationAccuracy)))
        }
        rows += [
            ("features", reusedFeatures ? "\(featureWidth)-d (reused from cache)" : "\(featureWidth)-d"),
            ("bags train / test", "\(trainingBags) / \(testBags)"),
            ("positive rate train / test", "\(format(trainingPositiveRate)) / \(format(testPositiveRate))"),
            ("majority baseline accuracy", format(majorityBaselineAccuracy)),
            ("test accuracy", format(testAccuracy)),
            ("test AUC", format(testAUC)),
            ("test balanced accuracy", format(testBalancedAccuracy)),
            ("confusion TP FP TN FN", "\(confusion.truePositives) \(confusion.falsePositives) \(confusion.trueNegatives) \(confusion.falseNegatives)"),
            ("top instance is target", format(topInstanceTargetRate)),
            ("time total", ProgressReporter.formatDuration(secondsTotal)),
        ]
        let width = rows.map(\.0.count).max() ?? 0
        return rows.map { $0.0.padding(toLength: width, withPad: " ", startingAt: 0) + "  " + $0.1 }.joined(separator: "\n")
    }
}
