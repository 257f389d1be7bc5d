import MIL
import MILTasks
import RunSupport

/// One MIL training epoch of `slidemil mnist`, for either task.
public struct MNISTMILEpoch: Codable, Equatable, Sendable {
    public let epoch: Int
    /// Mean training loss (BCE, or cross-entropy for `two_digits`) without the elastic-net term.
    public let trainingLoss: Float
    /// Loss on the held-out training bags; nil without a validation split.
    public let validationLoss: Float?
    /// Accuracy at 0.5 on the held-out bags (`target_digit` only).
    public let validationAccuracy: Double?
    /// AUC (`target_digit`) or macro one-vs-rest AUC (`two_digits`) on the held-out bags.
    public let validationAUC: Double?
}

/// The figures of one `slidemil mnist` run, written to `metrics.json`.
public struct MNISTBagsMetrics: Codable, Sendable {
    /// Which task the bags were labelled for.
    public var task: MNISTBagsConfig.Task
    /// Pretraining per epoch; empty when the features came from the run folder's cache.
    public var pretraining: [MNISTPretrainingEpoch] = []
    /// Whether the CNN and features were reused from an earlier run with the same settings.
    public var reusedFeatures = false
    public var featureWidth: Int
    public var trainingBags: Int
    public var testBags: Int
    /// Test accuracy of always answering the training majority class.
    public var majorityBaselineAccuracy: Double
    public var milHistory: [MNISTMILEpoch]
    public var testLoss: Float
    public var testAccuracy: Double
    /// Mean recall over the classes present.
    public var testBalancedAccuracy: Double?

    // target_digit
    /// Share of positive bags among the training / test bags.
    public var trainingPositiveRate: Double?
    public var testPositiveRate: Double?
    public var testAUC: Double?
    /// At threshold 0.5.
    public var confusion: ConfusionMatrix?
    /// In positive test bags, how often the highest-weight instance is an image of the target digit.
    public var topInstanceTargetRate: Double?

    // two_digits
    /// Class names in logit order.
    public var classes: [String]?
    /// Macro one-vs-rest AUC over the classes.
    public var testMacroAUC: Double?
    /// One-vs-rest AUC of each class, in `classes` order.
    public var testPerClassAUC: [Double?]?
    /// `counts[true][predicted]`, predicted = the class of highest probability.
    public var classConfusion: MulticlassConfusionMatrix?

    /// Wall-clock seconds of the whole run and of its parts.
    public var secondsPretraining = 0.0
    public var secondsFeatures = 0.0
    public var secondsMIL = 0.0
    public var secondsTotal = 0.0

    init(task: MNISTBagsConfig.Task, featureWidth: Int, trainingBags: Int, testBags: Int, majorityBaselineAccuracy: Double,
         milHistory: [MNISTMILEpoch], testLoss: Float, testAccuracy: Double, testBalancedAccuracy: Double?) {
        self.task = task
        self.featureWidth = featureWidth
        self.trainingBags = trainingBags
        self.testBags = testBags
        self.majorityBaselineAccuracy = majorityBaselineAccuracy
        self.milHistory = milHistory
        self.testLoss = testLoss
        self.testAccuracy = testAccuracy
        self.testBalancedAccuracy = testBalancedAccuracy
    }

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
        ]
        if let trainingPositiveRate, let testPositiveRate {
            rows.append(("positive rate train / test", "\(format(trainingPositiveRate)) / \(format(testPositiveRate))"))
        }
        if let classes { rows.append(("classes", classes.joined(separator: " / "))) }
        rows += [
            ("majority baseline accuracy", format(majorityBaselineAccuracy)),
            ("test accuracy", format(testAccuracy)),
        ]
        if task == .targetDigit { rows.append(("test AUC", format(testAUC))) }
        rows.append(("test balanced accuracy", format(testBalancedAccuracy)))
        if let confusion {
            rows.append(("confusion TP FP TN FN", "\(confusion.truePositives) \(confusion.falsePositives) \(confusion.trueNegatives) \(confusion.falseNegatives)"))
        }
        if task == .targetDigit { rows.append(("top instance is target", format(topInstanceTargetRate))) }
        if task == .twoDigits {
            rows.append(("test macro AUC", format(testMacroAUC)))
            if let testPerClassAUC { rows.append(("test AUC per class", testPerClassAUC.map(format).joined(separator: " / "))) }
            if let classConfusion {
                rows.append(("confusion (rows true)", classConfusion.counts.map { $0.map(String.init).joined(separator: " ") }.joined(separator: " | ")))
            }
        }
        rows.append(("time total", ProgressReporter.formatDuration(secondsTotal)))
        let width = rows.map(\.0.count).max() ?? 0
        return rows.map { $0.0.padding(toLength: width, withPad: " ", startingAt: 0) + "  " + $0.1 }.joined(separator: "\n")
    }
}
