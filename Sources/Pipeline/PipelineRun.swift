import ExtractStage
import Foundation
import HeatmapStage
import MIL
import PredictStage
import RunSupport
import Store
import TrainStage

/// `slidemil pipeline`: tile → extract → train (cross-validation on the training slides) →
/// predict the held-out slides → heatmaps and top tiles, each stage through its own pipeline
/// (`TilePipeline`, `ExtractPipeline`, `SlideTrainPipeline`, `SlidePredictPipeline`,
/// `HeatmapPipeline`), so slides finished by an earlier run with the same settings are skipped by
/// tiling and extraction.
///
/// Besides the stages' own outputs (see `RunLayout`) it writes the effective config, the
/// slide list, the training and held-out labels, the training config and `commands.sh`: the
/// plain `slidemil` commands that redo each stage alone. A slide that fails in tiling, extraction
/// or its heatmap is left out of the later stages and listed in `PipelineReport.failures`; the
/// other slides go on.
public struct PipelineRun {
    /// What each stage does.
    public var config: PipelineConfig
    /// A folder of slides or a slide CSV, as `slidemil tile` takes.
    public var slides: String
    /// Labels CSV: `slide_id,label[,split]`; only labelled slides are processed.
    public var labels: String
    /// Where each stage writes.
    public var layout: RunLayout
    /// Draw progress lines on standard error.
    public var showProgress: Bool
    /// Receives one line per stage (and the cross-validation table).
    public var log: (String) -> Void
    /// Draw the held-out slides' heatmaps after predicting; false leaves them to
    /// `runHeatmaps(shard:)` (a cluster run's heatmaps array job).
    public var drawsHeatmaps = true

    /// A run writing under `output` (created if missing).
    public init(config: PipelineConfig, slides: String, labels: String, output: String,
                showProgress: Bool = isatty(STDERR_FILENO) == 1, log: @escaping (String) -> Void = { _ in }) {
        self.config = config
        self.slides = slides
        self.labels = labels
        self.layout = RunLayout(root: output, featureFolder: ExtractSettings.featureFolderName(config.extract.backbone))
        self.showProgress = showProgress
        self.log = log
    }

    /// Runs every stage and returns what it did.
    /// - Throws: `PipelineError`, `ConfigError`, or the first error of a stage, each naming the
    ///   file or slide.
    public func run() throws -> PipelineReport {
        try config.validate()
        let table = try SlideLabelTable.read(from: URL(fileURLWithPath: labels))
        let inputs = try labelledInputs(table)
        let labelledSplit = try PipelineHoldOut.split(table, fraction: config.predict.heldOutFraction, seed: config.predict.seed, source: labels)
        try writeInputs(inputs, split: labelledSplit)
        var commands = [tileCommand, extractCommand, trainCommand]

        let features = try SlideFeatureStages(tile: config.tile, extract: config.extractSettings(), showProgress: showProgress, log: log)
            .run(inputs, root: layout.root)
        var failures = features.failures
        var leftOut = Set(failures.map(\.slideID))
        if !leftOut.isEmpty { log("\(leftOut.count) slides failed and are left out of training and prediction (see the end of the run)") }
        if !features.slidesWithoutTiles.isEmpty {
            log("\(features.slidesWithoutTiles.count) slides have no tile with enough tissue and are left out of training and prediction: "
                + features.slidesWithoutTiles.joined(separator: ", "))
            leftOut.formUnion(features.slidesWithoutTiles)
        }
        let split = (training: labelledSplit.training.filter { !leftOut.contains($0.slideID) },
                     heldOut: labelledSplit.heldOut.filter { !leftOut.contains($0.slideID) })

        log("train: \(split.training.count) slides into \(layout.model)")
        let multiclass = Set(split.training.map(\.label)).count > 2
        var trainingLines: [String] = []
        let progress = ProgressReporter(label: "training", unit: "epochs", enabled: showProgress)
        let trainingLog: (String) -> Void = { line in
            trainingLines.append(line)
            progress.advance(detail: line.split(separator: ":").first.map(String.init))
        }
        var report: PipelineReport
        if multiclass {
            let (summary, width) = try trainMulticlass(split.training, log: trainingLog)
            report = PipelineReport(layout: layout, trainingSlides: split.training.map(\.slideID), heldOutSlides: split.heldOut.map(\.slideID),
                                    tiles: features.tiles, featureWidth: width, crossValidation: nil, multiclassCrossValidation: summary,
                                    predictingFolds: [], predictions: [], heldOutAUC: nil, heldOutAccuracy: nil, heatmaps: [], commands: [])
        } else {
            let data = try SlideBagSet.load(labels: SlideLabelTable(entries: split.training), featuresFolder: URL(fileURLWithPath: layout.features),
                                            positiveClass: nil)
            let summary = try SlideTrainPipeline(settings: config.train, data: data, outputDirectory: URL(fileURLWithPath: layout.model),
                                                 log: trainingLog).run()
            report = PipelineReport(layout: layout, trainingSlides: split.training.map(\.slideID), heldOutSlides: split.heldOut.map(\.slideID),
                                    tiles: features.tiles, featureWidth: data.featureWidth, crossValidation: summary, predictingFolds: [],
                                    predictions: [], heldOutAUC: nil, heldOutAccuracy: nil, heatmaps: [], commands: [])
        }
        progress.finish()
        try AtomicFile.write(Data((trainingLines.joined(separator: "\n") + "\n").utf8), to: URL(fileURLWithPath: layout.trainLog))
        log(report.crossValidation?.table ?? report.multiclassCrossValidation?.table ?? "")

        if !split.heldOut.isEmpty {
            commands.append(predictCommand)
            if multiclass {
                let models = try SlideTaskPredictPipeline.load(config.predict.fold, from: URL(fileURLWithPath: layout.model))
                report.predictingFolds = models.map(\.card.fold)
                log("predict: \(split.heldOut.count) held-out slides with the \(PipelineSummary.predictor(report.predictingFolds)) into \(layout.predictions)")
                try predictMulticlass(split.heldOut, models: models, into: &report)
            } else {
                let models = try config.predict.fold.load(from: URL(fileURLWithPath: layout.model))
                report.predictingFolds = models.map(\.card.fold)
                log("predict: \(split.heldOut.count) held-out slides with the \(PipelineSummary.predictor(report.predictingFolds)) into \(layout.predictions)")
                try predict(split.heldOut, models: models, into: &report)
            }

            let drawn = heatmapSlides(split.heldOut, inputs: inputs)
            if drawsHeatmaps {
                log("heatmap: \(drawn.count) slides into \(layout.heatmaps)")
                let heatmaps = try drawHeatmaps(drawn, shard: nil)
                report.heatmaps = heatmaps.pictures
                failures += heatmaps.failures
            } else {
                log("heatmap: \(drawn.count) slides left to 'slidemil cluster heatmaps'")
            }
            commands += drawn.map { heatmapCommand(slideID: $0.slideID, slidePath: $0.path) }
        }
        report.failures = failures
        report.commands = commands
        try AtomicFile.write(Data((commands.map(\.description).joined(separator: "\n") + "\n").utf8),
                             to: URL(fileURLWithPath: layout.commands))
        return report
    }

    /// The inputs of the labelled slides, in labels-file order.
    func labelledInputs(_ table: SlideLabelTable) throws -> [SlideEntry] {
        let all = try SlideEntry.resolve(slides)
        let byID = Dictionary(all.map { ($0.slideID, $0) }, uniquingKeysWith: { first, _ in first })
        let inputs = try table.entries.map { entry -> SlideEntry in
            guard let input = byID[entry.slideID] else {
                throw PipelineError.unlabelledOrMissing(labels: labels, slideID: entry.slideID, slides: slides)
            }
            return input
        }
        if all.count > inputs.count { log("\(all.count - inputs.count) slides of \(slides) have no label and are left out") }
        return inputs
    }

    /// Writes the effective config, the slide list, the split labels and the training config.
    private func writeInputs(_ inputs: [SlideEntry], split: (training: [SlideLabel], heldOut: [SlideLabel])) throws {
        try AtomicFile.createFolder(URL(fileURLWithPath: layout.root))
        try AtomicFile.write(Data(try ConfigLoader.yaml(config).utf8), to: URL(fileURLWithPath: layout.pipelineConfig))
        try AtomicFile.write(Data(try ConfigLoader.yaml(config.train).utf8), to: URL(fileURLWithPath: layout.trainConfig))
        let hasMPP = inputs.contains { $0.mppOverride != nil }
        var slideList = CSVTable(header: hasMPP ? ["path", "slide_id", "mpp"] : ["path", "slide_id"])
        for input in inputs {
            let row = [URL(fileURLWithPath: input.path).standardizedFileURL.path, input.slideID]
            slideList.rows.append(hasMPP ? row + [input.mppOverride.map { "\($0)" } ?? ""] : row)
        }
        try AtomicFile.write(Data(slideList.serialized().utf8), to: URL(fileURLWithPath: layout.slidesCSV))
        for (entries, path) in [(split.training, layout.trainingLabels), (split.heldOut, layout.heldOutLabels)] {
            let withSplit = entries.contains { $0.split != nil }
            var csv = CSVTable(header: withSplit ? ["slide_id", "label", "split"] : ["slide_id", "label"])
            csv.rows = entries.map { withSplit ? [$0.slideID, $0.label, $0.split ?? ""] : [$0.slideID, $0.label] }
            try AtomicFile.createFolder(URL(fileURLWithPath: (path as NSString).deletingLastPathComponent))
            try AtomicFile.write(Data(csv.serialized().utf8), to: URL(fileURLWithPath: path))
        }
    }

    private func predict(_ heldOut: [SlideLabel], models: [(model: MILModel, card: SlideModelCard)],
                         into report: inout PipelineReport) throws {
        let pipeline = try SlidePredictPipeline(models: models)
        let card = pipeline.card
        let predictions = try pipeline
            .predict(slideIDs: heldOut.map(\.slideID), featuresFolder: URL(fileURLWithPath: layout.features))
        try SlidePredictPipeline.write(predictions, to: URL(fileURLWithPath: layout.predictions))
        report.predictions = zip(heldOut, predictions).map { entry, prediction in
            PipelineReport.HeldOutPrediction(slideID: entry.slideID, label: entry.label, probability: prediction.probability,
                                             predictedLabel: prediction.predictedLabel)
        }
        report.heldOutAUC = BinaryMetrics.rocAUC(scores: predictions.map { Double($0.probability) },
                                                 labels: heldOut.map { $0.label == card.labels.positive })
        report.heldOutAccuracy = Double(report.predictions.filter { $0.label == $0.predictedLabel }.count) / Double(heldOut.count)
    }


    private var tileCommand: PipelineCommandLine {
        PipelineCommandLine(["tile", layout.slidesCSV, "--output", layout.root] + config.tile.commandArguments())
    }

    private var extractCommand: PipelineCommandLine {
        var extract = config.extract
        extract.tileSize = config.tile.grid.tileSize
        return PipelineCommandLine(["extract", layout.slidesCSV, "--output", layout.root] + extract.commandArguments())
    }

    private var trainCommand: PipelineCommandLine {
        PipelineCommandLine(["train", "--labels", layout.trainingLabels, "--features", layout.features, "--output", layout.model]
            + config.train.commandArguments())
    }

    private var predictCommand: PipelineCommandLine {
        PipelineCommandLine(["predict", "--model", layout.model] + config.predict.commandArguments()
            + ["--features", layout.features, "--slides", layout.heldOutLabels, "--output", layout.predictions])
    }

    private func heatmapCommand(slideID: String, slidePath: String) -> PipelineCommandLine {
        PipelineCommandLine(["heatmap", slidePath, layout.predictionsRun.attentionPath(slideID), "--patches", layout.patchPath(slideID),
                             "--output", layout.heatmaps, "--slide-id", slideID] + config.heatmap.commandArguments())
    }
}
