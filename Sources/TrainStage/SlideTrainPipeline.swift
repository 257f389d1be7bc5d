import Foundation
import Heatmap
import MIL
import RunSupport
import Store

/// `slidemil train`: trains one attention-MIL model per fold and writes the run folder.
///
/// Run folder: `settings.yaml` (effective settings), `folds.json` (the bag indices of each fold),
/// per fold `fold-<n>/model.safetensors`, `fold-<n>/model.json` (`SlideModelCard`),
/// `fold-<n>/metrics.json` (`SlideFoldMetrics` with per-epoch curves) and
/// `fold-<n>/predictions.csv` (`slide_id,label,probability,predicted_label,set` for the fold's
/// validation and test bags); then `summary.json`, `summary.csv` (mean ± std across folds) and
/// `curves.png`. Every file is written atomically.
///
/// Memory: training and evaluation run one bag at a time (`MILTrainer` on `BinaryObjective`), so no padded
/// [B, Nmax, D] tensor is built whatever the bag sizes; features of all bags are held once, or,
/// past `SlideBagSet.load`'s memory budget, re-read from disk one slide at a time.
public struct SlideTrainPipeline {
    public var settings: SlideTrainSettings
    public var data: SlideBagSet
    public var outputDirectory: URL
    /// Receives one line per epoch and per fold.
    public var log: (String) -> Void
    /// Folds given explicitly (e.g. from CLAM split files); when set, `settings.folds` and the
    /// `split` column are not used.
    public var givenFolds: [SlideFold]?

    /// A pipeline over loaded bags writing into `outputDirectory` (created if missing).
    public init(settings: SlideTrainSettings, data: SlideBagSet, outputDirectory: URL, givenFolds: [SlideFold]? = nil,
                log: @escaping (String) -> Void = { _ in }) {
        self.settings = settings
        self.givenFolds = givenFolds
        self.data = data
        self.outputDirectory = outputDirectory
        self.log = log
    }

    /// The folds this run will train, first that applies: `givenFolds`; the labels' `fold` column;
    /// their `split` column; stratified k-fold when `settings.folds ≥ 2`; one stratified hold-out split.
    public func plan() throws -> [SlideFold] {
        if let givenFolds { return givenFolds }
        let labels = data.bags.labels
        if data.foldNames.contains(where: { $0 != nil }) {
            return try SlideFoldPlan.fromFoldColumn(data.foldNames, labels: labels, validationFraction: settings.training.validationFraction,
                                                    seed: settings.training.seed)
        }
        if data.splits.contains(where: { $0 != nil }) { return [try SlideFoldPlan.fromSplitColumn(data.splits)] }
        if settings.folds >= 2 {
            return try SlideFoldPlan.kFold(labels: labels, folds: settings.folds,
                                           validationFraction: settings.training.validationFraction, seed: settings.training.seed)
        }
        let fold = SlideFoldPlan.holdOut(labels: labels, validationFraction: settings.training.validationFraction, seed: settings.training.seed)
        guard !fold.validation.isEmpty else {
            throw SlideTrainError.tooFewSlides(problem: "no bag left for validation; raise training.validationFraction")
        }
        return [fold]
    }

    /// Trains every fold, writes the run folder and returns the summary.
    public func run() throws -> SlideTrainSummary {
        try settings.validate()
        let folds = try plan()
        do {
            try FileManager.default.createDirectory(at: outputDirectory, withIntermediateDirectories: true)
        } catch {
            throw StoreError.writeFailed(path: outputDirectory.path, reason: "cannot create the run folder: \(FileSystemErrorText.reason(error))")
        }
        try AtomicFile.write(Data(try ConfigLoader.yaml(settings).utf8), to: outputDirectory.appendingPathComponent("settings.yaml"))
        try OutputFiles.writeJSON(folds, to: outputDirectory.appendingPathComponent("folds.json"))
        var metrics: [SlideFoldMetrics] = []
        for fold in folds {
            metrics.append(try train(fold))
        }
        let summary = SlideTrainSummary(folds: metrics, labels: data.mapping)
        try OutputFiles.writeJSON(summary, to: outputDirectory.appendingPathComponent("summary.json"))
        try AtomicFile.write(Data(summary.csv.utf8), to: outputDirectory.appendingPathComponent("summary.csv"))
        try OutputFiles.writePNG(SlideTrainCurvePlot.render(metrics), to: outputDirectory.appendingPathComponent("curves.png"))
        return summary
    }

    private func train(_ fold: SlideFold) throws -> SlideFoldMetrics {
        let objective = settings.classBalance == .lossWeights
            ? BinaryObjective.balanced(labels: fold.training.map { data.bags.labels[$0] }) : BinaryObjective()
        var options = settings.training
        options.seed = settings.training.seed &+ UInt64(fold.number)
        let trainer = MILTrainer(objective: objective, options: options, minimumEpochs: settings.minimumEpochs,
                                 sampling: settings.classBalance == .sampling ? .balanced : .shuffle, instanceLoss: settings.instanceLoss)
        let model = settings.architecture.makeModel(inputWidth: data.featureWidth, seed: options.seed)
        let history: [MILEpochRecord<BinaryMeasures>]
        do {
            history = try trainer.train(model, on: data.bags, training: fold.training, validation: fold.validation) { record in
                var line = String(format: "fold %d epoch %d: training loss %.4f", fold.number, record.epoch, record.trainingLoss)
                if let loss = record.validationLoss { line += String(format: ", validation loss %.4f", loss) }
                if let auc = record.validation?.auc { line += String(format: ", validation AUC %.4f", auc) }
                log(line)
            }
        } catch let error as TrainingDivergedError {
            throw SlideTrainError.diverged(fold: fold.number, error)
        }
        let evaluatedIndices = fold.test.isEmpty ? fold.validation : fold.test
        let evaluation = try trainer.evaluate(model, on: data.bags, indices: evaluatedIndices)
        let bestEpoch = fold.validation.isEmpty
            ? history.count
            : history.min { ($0.validationLoss ?? .infinity) < ($1.validationLoss ?? .infinity) }!.epoch
        let metrics = SlideFoldMetrics(
            fold: fold.number, trainingBags: fold.training.count, validationBags: fold.validation.count,
            evaluatedBags: evaluatedIndices.count, evaluatedOn: fold.test.isEmpty ? "validation" : "test",
            auc: evaluation.auc, accuracy: evaluation.confusion.accuracy, balancedAccuracy: evaluation.confusion.balancedAccuracy,
            loss: evaluation.loss, bestEpoch: bestEpoch, epochs: history)
        let folder = outputDirectory.appendingPathComponent("fold-\(fold.number)")
        try SlideModelFiles.save(model, card: SlideModelCard(inputWidth: data.featureWidth, model: settings.architecture,
                                                              labels: data.mapping, fold: fold.number), to: folder)
        try OutputFiles.writeJSON(metrics, to: folder.appendingPathComponent("metrics.json"))
        try AtomicFile.write(Data(try predictionsCSV(model, trainer: trainer, fold: fold).utf8), to: folder.appendingPathComponent("predictions.csv"))
        return metrics
    }

    private func predictionsCSV(_ model: MILModel, trainer: MILTrainer<Bool, BinaryMeasures>, fold: SlideFold) throws -> String {
        var lines = ["slide_id,label,probability,predicted_label,set"]
        for (set, indices) in [("validation", fold.validation), ("test", fold.test)] where !indices.isEmpty {
            let evaluation = try trainer.evaluate(model, on: data.bags, indices: indices)
            for (index, prediction) in zip(indices, evaluation.predictions) {
                lines.append([OutputFiles.csvField(data.ids[index]), OutputFiles.csvField(data.mapping.name(prediction.label)),
                              String(format: "%.6f", prediction.probability),
                              OutputFiles.csvField(data.mapping.name(prediction.predictedPositive)), set].joined(separator: ","))
            }
        }
        return lines.joined(separator: "\n") + "\n"
    }
}
