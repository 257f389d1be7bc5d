import Foundation
import Heatmap
import MIL
import MILHeads
import MILTasks
import RunSupport
import Store
import Tensor

/// `slidemil train` for multi-class labels, patient (case) bags and survival: trains
/// `settings.head` with `MILTrainer` on the task's objective per fold and writes the run folder.
///
/// Run folder: `settings.yaml`, `folds.json`, per fold `fold-<n>/model.safetensors` +
/// `model.json` (`SlideTaskModelCard`), `metrics.json` (`TaskFoldMetrics`) and `predictions.csv`
/// (`<id>,label,p_<class>...,predicted_label,set` or, for survival,
/// `<id>,time,event,risk,set`, where `<id>` is `slide_id`, `case_id` or `bag_id`); then
/// `summary.json` (`TaskTrainSummary`: `macroAUC`, `perClassAUC`, `confusionMatrix`, or `cIndex`),
/// `summary.csv`, `curves.png` and, for survival, `km.png`. Every file is written atomically.
/// Features of all bags are held in memory.
public struct SlideTaskTrainPipeline {
    public var settings: SlideTrainSettings
    public var data: TaskBagSet
    public var outputDirectory: URL
    public var givenFolds: [SlideFold]?
    public var log: (String) -> Void

    public init(settings: SlideTrainSettings, data: TaskBagSet, outputDirectory: URL, givenFolds: [SlideFold]? = nil,
                log: @escaping (String) -> Void = { _ in }) {
        self.settings = settings
        self.data = data
        self.outputDirectory = outputDirectory
        self.givenFolds = givenFolds
        self.log = log
    }

    /// The folds, as `SlideTrainPipeline.plan` chooses them, stratified by class or event flag;
    /// folds are over bags, so with case bags no case is in two sets of a fold.
    public func plan() throws -> [SlideFold] {
        if let givenFolds { return givenFolds }
        let strata = data.strata, fraction = settings.training.validationFraction, seed = settings.training.seed
        if data.foldNames.contains(where: { $0 != nil }) {
            return try SlideFoldPlan.fromFoldColumn(data.foldNames, strata: strata, validationFraction: fraction, seed: seed)
        }
        if data.splits.contains(where: { $0 != nil }) { return [try SlideFoldPlan.fromSplitColumn(data.splits)] }
        let name: (Int) -> String = { data.task == .survival ? ($0 == 1 ? "event" : "censored") : "'\(data.classes[$0])'" }
        if settings.folds >= 2 {
            return try SlideFoldPlan.kFold(strata: strata, folds: settings.folds, validationFraction: fraction, seed: seed, name: name)
        }
        let fold = SlideFoldPlan.holdOut(strata: strata, validationFraction: fraction, seed: seed)
        guard !fold.validation.isEmpty else {
            throw SlideTrainError.tooFewSlides(problem: "no bag left for validation; raise training.validationFraction")
        }
        return [fold]
    }

    /// Trains every fold, writes the run folder and returns the summary.
    public func run() throws -> TaskTrainSummary {
        try settings.validate()
        if settings.instanceLoss.weight > 0 && !(settings.head == .clamMB && data.task == .classification) {
            throw SlideTrainError.invalidSettings(problem: "instanceLoss.weight > 0 needs head clam_mb and class labels in multi-class, case-bag and survival runs")
        }
        let folds = try plan()
        try AtomicFile.createFolder(outputDirectory)
        try AtomicFile.write(Data(try ConfigLoader.yaml(settings).utf8), to: outputDirectory.appendingPathComponent("settings.yaml"))
        try OutputFiles.writeJSON(folds, to: outputDirectory.appendingPathComponent("folds.json"))
        var metrics: [TaskFoldMetrics] = [], heldOut: [(risk: Double, outcome: SurvivalOutcome, fold: Int)] = []
        for fold in folds {
            let (foldMetrics, evaluation) = try train(fold)
            metrics.append(foldMetrics)
            for (score, target) in zip(evaluation.scores, evaluation.targets) {
                if case .survival(let outcome) = target { heldOut.append((score[0], outcome, fold.number)) }
            }
        }
        var logRankP: Double?
        if data.task == .survival {
            let groups = Self.riskHalves(heldOut)
            logRankP = LogRankTest.compare(groups.high, groups.low)?.pValue
            try OutputFiles.writePNG(KaplanMeierPlot.render(high: groups.high, low: groups.low, logRankP: logRankP),
                                     to: outputDirectory.appendingPathComponent("km.png"))
        }
        let summary = TaskTrainSummary(task: data.task, classes: data.classes, folds: metrics, logRankPValue: logRankP)
        try OutputFiles.writeJSON(summary, to: outputDirectory.appendingPathComponent("summary.json"))
        try AtomicFile.write(Data(summary.csv.utf8), to: outputDirectory.appendingPathComponent("summary.csv"))
        let curves = metrics.map { fold in
            SlideTrainCurvePlot.FoldCurves(fold: fold.fold, training: fold.epochs.map(\.trainingLoss), validation: fold.epochs.map(\.validationLoss),
                                           measure: fold.epochs.map { $0.validation?.measure })
        }
        try OutputFiles.writePNG(SlideTrainCurvePlot.render(curves, measureTitle: data.task == .survival ? "VALIDATION C-INDEX" : "VALIDATION MACRO AUC"),
                                 to: outputDirectory.appendingPathComponent("curves.png"))
        return summary
    }

    /// Splits evaluated bags into high- and low-risk halves at each fold's median risk (fold
    /// models' risks are not on one scale), pooled over folds; ties at the median go low.
    public static func riskHalves(_ bags: [(risk: Double, outcome: SurvivalOutcome, fold: Int)]) -> (high: [SurvivalOutcome], low: [SurvivalOutcome]) {
        var high: [SurvivalOutcome] = [], low: [SurvivalOutcome] = []
        for (_, members) in Dictionary(grouping: bags, by: \.fold) {
            let sorted = members.map(\.risk).sorted()
            let median = sorted.count % 2 == 1 ? sorted[sorted.count / 2] : (sorted[sorted.count / 2 - 1] + sorted[sorted.count / 2]) / 2
            for member in members {
                if member.risk > median { high.append(member.outcome) } else { low.append(member.outcome) }
            }
        }
        return (high, low)
    }

    /// Class weights n / (C·n_c) over the training bags, C the classes present (scikit-learn's
    /// `class_weight="balanced"`); classes absent from them weigh 0.
    public static func balancedClassWeights(_ classes: [Int], classCount: Int) -> [Float] {
        let counts = (0..<classCount).map { c in classes.filter { $0 == c }.count }
        let present = counts.filter { $0 > 0 }.count
        return counts.map { $0 == 0 ? 0 : Float(classes.count) / Float(present * $0) }
    }

    private func train(_ fold: SlideFold) throws -> (TaskFoldMetrics, TaskEvaluation) {
        var options = settings.training
        options.seed = settings.training.seed &+ UInt64(fold.number)
        let classWeights = data.task == .classification && settings.classBalance == .lossWeights
            ? Self.balancedClassWeights(fold.training.map { data.targets[$0].stratum }, classCount: data.classes.count) : nil
        let task = try data.milTask(settings, fittingOn: fold.training, classWeights: classWeights)
        let card = SlideTaskModelCard(inputWidth: data.featureWidth, task: data.task, head: settings.head, model: settings.model,
                                      classes: data.classes, milTask: task, fold: fold.number)
        if card.head == .clamMB && card.outputCount < 2 {
            throw SlideTrainError.invalidSettings(problem: "head clam_mb needs two or more outputs (classes, or survival.bins with loss nll)")
        }
        let model = SlideTaskModel.make(card, seed: options.seed)
        try model.standardization?.fit(on: LabelledBags(features: data.features, labels: data.features.map { _ in false }), indices: fold.training)
        let prepared = data.features.map(model.prepared)
        let bags = TaskBags(features: prepared, targets: data.targets)
        let trainer = MILTrainer(objective: task.objective, options: options, minimumEpochs: settings.minimumEpochs,
                                 sampling: settings.classBalance == .sampling ? .balanced : .shuffle,
                                 instanceLoss: settings.head == .clamMB ? settings.instanceLoss : InstanceLossOptions())
        func evaluate(_ indices: [Int]) throws -> TaskEvaluation { TaskEvaluation(try trainer.outputs(model.head, on: bags, indices: indices), task: task) }
        let history: [MILEpochRecord<TaskMeasure>]
        do {
            history = try trainer.train(model.head, on: bags, training: fold.training, validation: fold.validation) { record in
                var line = String(format: "fold %d epoch %d: training loss %.4f", fold.number, record.epoch, record.trainingLoss)
                if let loss = record.validationLoss { line += String(format: ", validation loss %.4f", loss) }
                if let measure = record.validation?.measure {
                    line += String(format: data.task == .survival ? ", validation c-index %.4f" : ", validation macro AUC %.4f", measure)
                }
                log(line)
            }
        } catch let error as TrainingDivergedError {
            throw SlideTrainError.diverged(fold: fold.number, error)
        }
        let evaluated = fold.test.isEmpty ? fold.validation : fold.test
        let evaluation = try evaluate(evaluated)
        let bestEpoch = fold.validation.isEmpty
            ? history.count : history.min { ($0.validationLoss ?? .infinity) < ($1.validationLoss ?? .infinity) }!.epoch
        let metrics = TaskFoldMetrics(fold: fold, evaluation: evaluation, classes: data.classes, bestEpoch: bestEpoch, epochs: history)
        let folder = outputDirectory.appendingPathComponent("fold-\(fold.number)")
        try model.save(card: card, to: folder)
        try OutputFiles.writeJSON(metrics, to: folder.appendingPathComponent("metrics.json"))
        var rows = [predictionHeader]
        for (set, indices) in [("validation", fold.validation), ("test", fold.test)] where !indices.isEmpty {
            let result = indices == evaluated ? evaluation : try evaluate(indices)
            rows += zip(indices, result.scores).map { predictionRow(index: $0, scores: $1, set: set) }
        }
        try OutputFiles.writeLines(rows, to: folder.appendingPathComponent("predictions.csv"))
        return (metrics, evaluation)
    }

    private var predictionHeader: String {
        let first = data.idColumn
        if data.task == .survival { return "\(first),time,event,risk,set" }
        return ([first, "label"] + data.classes.map { OutputFiles.csvField("p_\($0)") } + ["predicted_label", "set"]).joined(separator: ",")
    }

    private func predictionRow(index: Int, scores: [Double], set: String) -> String {
        let id = OutputFiles.csvField(data.ids[index])
        switch data.targets[index] {
        case .survival(let outcome):
            return "\(id),\(outcome.time),\(outcome.event ? 1 : 0),\(String(format: "%.6f", scores[0])),\(set)"
        case .classIndex(let c):
            let predicted = MulticlassMetrics.predictedClasses(scores: [scores])[0]
            return ([id, OutputFiles.csvField(data.classes[c])] + scores.map { String(format: "%.6f", $0) }
                + [OutputFiles.csvField(data.classes[predicted]), set]).joined(separator: ",")
        }
    }
}
