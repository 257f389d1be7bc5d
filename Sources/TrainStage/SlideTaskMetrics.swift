import MIL
import MILTasks
import RunSupport

/// The measures of one fold of a multi-class, case-bag or survival run (`fold-<n>/metrics.json`).
public struct TaskFoldMetrics: Codable, Equatable, Sendable {
    public var fold: Int
    public var trainingBags: Int
    public var validationBags: Int
    public var evaluatedBags: Int
    /// `test` when the fold had held-out test bags, else `validation`.
    public var evaluatedOn: String
    /// Task loss on the evaluated bags.
    public var loss: Float
    /// Epoch whose weights were kept.
    public var bestEpoch: Int
    /// Classification: accuracy and balanced accuracy of the arg-max class.
    public var accuracy: Double?
    public var balancedAccuracy: Double?
    /// Classification: mean one-vs-rest ROC AUC over the classes present.
    public var macroAUC: Double?
    /// Classification: one-vs-rest AUC by class name (classes without one are left out).
    public var perClassAUC: [String: Double]?
    /// Classification: counts[actual][predicted], classes in `TaskTrainSummary.classes` order.
    public var confusionMatrix: [[Int]]?
    /// Survival: Harrell's concordance of the risk scores.
    public var cIndex: Double?
    /// Loss and validation measure per epoch.
    public var epochs: [MILEpochRecord<TaskMeasure>]

    /// The measures of `evaluation` for a task over `classes` (empty for survival).
    public init(fold: SlideFold, evaluation: TaskEvaluation, classes: [String], bestEpoch: Int, epochs: [MILEpochRecord<TaskMeasure>]) {
        self.fold = fold.number
        trainingBags = fold.training.count
        validationBags = fold.validation.count
        evaluatedBags = evaluation.targets.count
        evaluatedOn = fold.test.isEmpty ? "validation" : "test"
        loss = evaluation.loss
        self.bestEpoch = bestEpoch
        self.epochs = epochs
        if classes.isEmpty {
            cIndex = evaluation.measure
            return
        }
        let actual = evaluation.targets.map { if case .classIndex(let c) = $0 { return c } else { return 0 } }
        let confusion = MulticlassConfusionMatrix(predicted: MulticlassMetrics.predictedClasses(scores: evaluation.scores), actual: actual,
                                                  classCount: classes.count)
        accuracy = confusion.accuracy
        balancedAccuracy = confusion.balancedAccuracy
        macroAUC = evaluation.measure
        let aucs = MulticlassMetrics.perClassAUC(scores: evaluation.scores, labels: actual, classCount: classes.count)
        perClassAUC = Dictionary(uniqueKeysWithValues: zip(classes, aucs).compactMap { name, auc in auc.map { (name, $0) } })
        confusionMatrix = confusion.counts
    }
}

/// Results across folds of a task run (`summary.json`, `summary.csv`).
public struct TaskTrainSummary: Codable, Equatable, Sendable {
    public var task: TrainTask
    /// Class names (index order); empty for survival.
    public var classes: [String]
    public var folds: [TaskFoldMetrics]
    public var accuracy: FoldStatistic?
    public var balancedAccuracy: FoldStatistic?
    public var macroAUC: FoldStatistic?
    public var perClassAUC: [String: FoldStatistic]?
    /// Sum of the folds' confusion matrices (every evaluated bag once with k-fold).
    public var confusionMatrix: [[Int]]?
    public var cIndex: FoldStatistic?
    /// Survival: log-rank p-value between the evaluated bags above and below their fold's median risk (`km.png`).
    public var logRankPValue: Double?

    public init(task: TrainTask, classes: [String], folds: [TaskFoldMetrics], logRankPValue: Double?) {
        self.task = task
        self.classes = classes
        self.folds = folds
        self.logRankPValue = logRankPValue
        cIndex = FoldStatistic(folds.map(\.cIndex))
        guard task == .classification else { return }
        accuracy = FoldStatistic(folds.map(\.accuracy))
        balancedAccuracy = FoldStatistic(folds.map(\.balancedAccuracy))
        macroAUC = FoldStatistic(folds.map(\.macroAUC))
        perClassAUC = Dictionary(uniqueKeysWithValues: classes.compactMap { name in
            FoldStatistic(folds.map { $0.perClassAUC?[name] }).map { (name, $0) }
        })
        var total = [[Int]](repeating: [Int](repeating: 0, count: classes.count), count: classes.count)
        for matrix in folds.compactMap(\.confusionMatrix) {
            for (a, row) in matrix.enumerated() { for (p, count) in row.enumerated() { total[a][p] += count } }
        }
        confusionMatrix = total
    }

    /// The measure folds are ranked by for `--fold best`: macro AUC or c-index.
    public func measure(of fold: TaskFoldMetrics) -> Double? { task == .survival ? fold.cIndex : fold.macroAUC }

    /// CSV rows per fold, then `mean` and `std`: classification `fold,macro_auc,accuracy,balanced_accuracy,auc_<class>...,loss`;
    /// survival `fold,c_index,loss`.
    public var csv: String {
        func cell(_ value: Double?) -> String { value.map { String(format: "%.6f", $0) } ?? "" }
        var lines: [String] = []
        if task == .survival {
            lines.append("fold,c_index,loss")
            lines += folds.map { "\($0.fold),\(cell($0.cIndex)),\(cell(Double($0.loss)))" }
            lines.append("mean,\(cell(cIndex?.mean)),")
            lines.append("std,\(cell(cIndex?.std)),")
        } else {
            lines.append((["fold", "macro_auc", "accuracy", "balanced_accuracy"] + classes.map { OutputFiles.csvField("auc_\($0)") } + ["loss"])
                .joined(separator: ","))
            for fold in folds {
                let cells = [cell(fold.macroAUC), cell(fold.accuracy), cell(fold.balancedAccuracy)] + classes.map { cell(fold.perClassAUC?[$0]) }
                lines.append((["\(fold.fold)"] + cells + [cell(Double(fold.loss))]).joined(separator: ","))
            }
            for name in ["mean", "std"] {
                func pick(_ statistic: FoldStatistic?) -> String { cell(name == "mean" ? statistic?.mean : statistic?.std) }
                let cells = [macroAUC, accuracy, balancedAccuracy].map(pick) + classes.map { pick(perClassAUC?[$0]) }
                lines.append(([name] + cells + [""]).joined(separator: ","))
            }
        }
        return lines.joined(separator: "\n") + "\n"
    }

    /// One line per fold and the mean ± std, for the terminal.
    public var table: String {
        func text(_ value: Double?) -> String { value.map { String(format: "%.4f", $0) } ?? "n/a" }
        func stat(_ s: FoldStatistic?) -> String { s.map { String(format: "%.4f ± %.4f", $0.mean, $0.std) } ?? "n/a" }
        if task == .survival {
            var lines = folds.map { "fold \($0.fold): c-index \(text($0.cIndex)) on \($0.evaluatedBags) \($0.evaluatedOn) bags" }
            lines.append("mean ± std: c-index \(stat(cIndex))" + (logRankPValue.map { String(format: "; log-rank p %.3g (high vs low risk)", $0) } ?? ""))
            return lines.joined(separator: "\n")
        }
        var lines = folds.map {
            "fold \($0.fold): macro AUC \(text($0.macroAUC)), accuracy \(text($0.accuracy)), balanced accuracy \(text($0.balancedAccuracy)) on \($0.evaluatedBags) \($0.evaluatedOn) bags"
        }
        lines.append("mean ± std: macro AUC \(stat(macroAUC)), accuracy \(stat(accuracy)), balanced accuracy \(stat(balancedAccuracy))")
        return lines.joined(separator: "\n")
    }
}
