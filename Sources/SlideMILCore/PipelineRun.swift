import Foundation
import MIL
import Store

/// `slidemil pipeline`: tile → extract → train (cross-validation on the training slides) →
/// predict the held-out slides → heatmaps and top tiles, each stage through its own pipeline
/// (`TilePipeline`, `ExtractPipeline`, `SlideTrainPipeline`, `SlidePredictPipeline`,
/// `HeatmapPipeline`), so slides finished by an earlier run with the same settings are skipped by
/// tiling and extraction.
///
/// Besides the stages' own outputs (see `PipelineLayout`) it writes the effective config, the
/// slide list, the training and held-out labels, the training config and `commands.sh`: the
/// plain `slidemil` commands that redo each stage alone. A stage that fails for any slide stops
/// the run before the next stage, naming the slide and the process list.
public struct PipelineRun {
    /// What each stage does.
    public var config: PipelineConfig
    /// A folder of slides or a slide CSV, as `slidemil tile` takes.
    public var slides: String
    /// Labels CSV: `slide_id,label[,split]`; only labelled slides are processed.
    public var labels: String
    /// Where each stage writes.
    public var layout: PipelineLayout
    /// Draw progress lines on standard error.
    public var showProgress: Bool
    /// Receives one line per stage (and the cross-validation table).
    public var log: (String) -> Void

    /// A run writing under `output` (created if missing).
    public init(config: PipelineConfig, slides: String, labels: String, output: String,
                showProgress: Bool = isatty(STDERR_FILENO) == 1, log: @escaping (String) -> Void = { _ in }) {
        self.config = config
        self.slides = slides
        self.labels = labels
        self.layout = PipelineLayout(root: output, featureFolder: ExtractSettings.featureFolderName(config.extract.backbone))
        self.showProgress = showProgress
        self.log = log
    }

    /// Runs every stage and returns what it did.
    /// - Throws: `PipelineError`, `ConfigError`, or the first error of a stage, each naming the
    ///   file or slide.
    public func run() throws -> PipelineReport {
        try config.validate()
        let heatmapSettings = try config.heatmap.settings()
        let table = try SlideLabelTable.read(from: URL(fileURLWithPath: labels))
        let inputs = try labelledInputs(table)
        let split = try PipelineHoldOut.split(table, fraction: config.predict.heldOutFraction, seed: config.predict.seed, source: labels)
        try writeInputs(inputs, split: split)
        var commands = [tileCommand, extractCommand, trainCommand]

        let tiles = try SlideFeatureStages(tile: config.tile, extract: config.extract, showProgress: showProgress, log: log)
            .run(inputs, root: layout.root)

        log("train: \(split.training.count) slides into \(layout.model)")
        let data = try SlideBagSet.load(labels: SlideLabelTable(entries: split.training), featuresFolder: URL(fileURLWithPath: layout.features),
                                        positiveClass: nil)
        var trainingLines: [String] = []
        let progress = ProgressReporter(label: "training", unit: "epochs", enabled: showProgress)
        let summary = try SlideTrainPipeline(settings: config.train, data: data, outputDirectory: URL(fileURLWithPath: layout.model)) { line in
            trainingLines.append(line)
            progress.advance(detail: line.split(separator: ":").first.map(String.init))
        }.run()
        progress.finish()
        try AtomicFile.write(Data((trainingLines.joined(separator: "\n") + "\n").utf8), to: URL(fileURLWithPath: layout.trainLog))
        log(summary.table)

        var report = PipelineReport(layout: layout, trainingSlides: split.training.map(\.slideID), heldOutSlides: split.heldOut.map(\.slideID),
                                    tiles: tiles, featureWidth: data.featureWidth, crossValidation: summary, predictingFolds: [],
                                    predictions: [], heldOutAUC: nil, heldOutAccuracy: nil, heatmaps: [], commands: [])
        if !split.heldOut.isEmpty {
            let models = try config.predict.fold.load(from: URL(fileURLWithPath: layout.model))
            report.predictingFolds = models.map(\.card.fold)
            commands.append(predictCommand)
            log("predict: \(split.heldOut.count) held-out slides with the \(PipelineSummary.predictor(report.predictingFolds)) into \(layout.predictions)")
            try predict(split.heldOut, models: models, into: &report)

            let drawn = config.heatmap.slides > 0 ? Array(split.heldOut.prefix(config.heatmap.slides)) : split.heldOut
            log("heatmap: \(drawn.count) slides into \(layout.heatmaps)")
            let paths = Dictionary(inputs.map { ($0.slideID, $0.path) }, uniquingKeysWith: { first, _ in first })
            for entry in drawn {
                let outputs = try HeatmapPipeline.run(
                    slidePath: paths[entry.slideID]!, scoresURL: attentionURL(entry.slideID),
                    patchesURL: URL(fileURLWithPath: patchPath(entry.slideID)), output: URL(fileURLWithPath: layout.heatmaps),
                    slideID: entry.slideID, settings: heatmapSettings)
                report.heatmaps.append(outputs.heatmap)
                commands.append(heatmapCommand(slideID: entry.slideID, slidePath: paths[entry.slideID]!))
            }
        }
        report.commands = commands
        try AtomicFile.write(Data((commands.map(\.description).joined(separator: "\n") + "\n").utf8),
                             to: URL(fileURLWithPath: layout.commands))
        return report
    }

    /// The inputs of the labelled slides, in labels-file order.
    private func labelledInputs(_ table: SlideLabelTable) throws -> [TileInput] {
        let all = try TileInput.resolve(slides)
        let byID = Dictionary(all.map { ($0.slideID, $0) }, uniquingKeysWith: { first, _ in first })
        let inputs = try table.entries.map { entry -> TileInput in
            guard let input = byID[entry.slideID] else {
                throw PipelineError.unlabelledOrMissing(labels: labels, slideID: entry.slideID, slides: slides)
            }
            return input
        }
        if all.count > inputs.count { log("\(all.count - inputs.count) slides of \(slides) have no label and are left out") }
        return inputs
    }

    /// Writes the effective config, the slide list, the split labels and the training config.
    private func writeInputs(_ inputs: [TileInput], split: (training: [SlideLabel], heldOut: [SlideLabel])) throws {
        try FileManager.default.createDirectory(atPath: layout.root, withIntermediateDirectories: true)
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
            try FileManager.default.createDirectory(atPath: (path as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
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

    private func attentionURL(_ slideID: String) -> URL {
        URL(fileURLWithPath: layout.predictions).appendingPathComponent("attention").appendingPathComponent(slideID + ".h5")
    }

    private func patchPath(_ slideID: String) -> String {
        (layout.patches as NSString).appendingPathComponent(slideID + ".h5")
    }

    private var tileCommand: PipelineCommandLine {
        PipelineCommandLine(["tile", layout.slidesCSV, "--output", layout.root] + config.tile.commandOptions)
    }

    private var extractCommand: PipelineCommandLine {
        PipelineCommandLine(["extract", layout.slidesCSV, "--output", layout.root] + config.extract.commandOptions
            + ["--tile-size", "\(config.tile.tileSize)"])
    }

    private var trainCommand: PipelineCommandLine {
        PipelineCommandLine(["train", "--labels", layout.trainingLabels, "--features", layout.features,
                             "--config", layout.trainConfig, "--output", layout.model])
    }

    private var predictCommand: PipelineCommandLine {
        PipelineCommandLine(["predict", "--model", layout.model, "--fold", config.predict.fold.argument, "--features", layout.features,
                             "--slides", layout.heldOutLabels, "--output", layout.predictions])
    }

    private func heatmapCommand(slideID: String, slidePath: String) -> PipelineCommandLine {
        let attention = ((layout.predictions as NSString).appendingPathComponent("attention") as NSString).appendingPathComponent(slideID + ".h5")
        return PipelineCommandLine(["heatmap", slidePath, attention, "--patches", patchPath(slideID), "--output", layout.heatmaps,
                                    "--slide-id", slideID] + config.heatmap.commandOptions)
    }
}
