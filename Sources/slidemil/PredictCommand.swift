import ArgumentParser
import ExtractStage
import Foundation
import Pipeline
import PredictStage
import RunSupport
import Store
import TrainStage

struct PredictCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "predict",
        abstract: "Apply a trained MIL model to feature files (or straight to slides): slide probabilities and per-tile attention.",
        discussion: """
        --model is a model folder (model.json + model.safetensors) or a run folder of slidemil train; \
        --fold picks its fold-<n> model, the fold with the best cross-validation AUC (best), or averages \
        every fold's probabilities and attention (all, the default). Writes <output>/predictions.csv \
        (slide_id,probability,predicted_label,tiles) and <output>/attention/<slide_id>.h5 with coords (N,2), \
        attention (N) and the attributes probability and patch_size_level0, which slidemil heatmap reads. \
        Every slide is checked before anything is written. Multi-class models write p_<class> per class \
        and predicted_label (and, for clam_mb and dsmil, every class's attention); survival models write \
        risk; a --slides CSV with a case_id column predicts one bag per case.

        With --from-slides, the slides are tiled and their features extracted first (into <output>/patches \
        and <output>/features, resumable), with the tile and extract sections of --config: a pipeline \
        config such as configs/camelyon16.yaml, by default the pipeline.yaml beside the run folder that \
        slidemil pipeline wrote. The features must be made as the model's training features were.

        Examples:
          slidemil predict --model runs/mil --features runs/features --output runs/predictions
          slidemil predict --model runs/mil --fold best --slides held_out.csv --features runs/features
          slidemil predict --model runs/pipeline/mil --from-slides new-slides/ --output runs/new
        """
    )

    @Option(name: .long, help: "Model folder or run folder.")
    var model: String

    @Option(help: .setting(PredictSettings.self, "fold", valueName: "n|best|all"))
    var fold = PredictSettings().fold.argument

    @OptionGroup(title: "Slides to predict")
    var input: InputOptions

    @Option(name: .long, help: "Output folder.")
    var output: String = "predictions"

    @OptionGroup(title: "Cluster workers (with --from-slides)")
    var sharding: ShardOptions

    func validate() throws {
        if sharding.shard != nil && input.fromSlides == nil { throw ValidationError("--shard needs --from-slides: only tiling and extraction are sharded") }
    }

    func run() throws {
        guard let selection = SlideModelSelection(argument: fold) else {
            throw ValidationError("--fold takes a fold number, 'best' or 'all', not '\(fold)'")
        }
        do {
            let taskModels = try SlideTaskPredictPipeline.holdsTaskModels(URL(fileURLWithPath: model))
                ? SlideTaskPredictPipeline.load(selection, from: URL(fileURLWithPath: model)) : []
            let models = try taskModels.isEmpty ? selection.load(from: URL(fileURLWithPath: model)) : []
            var featuresFolder = URL(fileURLWithPath: input.features)
            var ids = try input.slides.map { try SlideList.read(from: URL(fileURLWithPath: $0)) }
            if let list = input.slides, let ids {
                for (index, id) in ids.enumerated() { try SlideID.validate(id, source: list, row: "slide \(index + 1)") }
            }
            if let fromSlides = input.fromSlides {
                let inputs = try SlideEntry.resolve(fromSlides)
                let stages = try featureStages()
                let shard = try sharding.resolve()
                try stages.run(inputs, root: output, shard: shard).checked()
                if let shard {
                    // Predictions need every shard's features: one unsharded run makes them.
                    print("shard \(shard): slides tiled and extracted into \(output); run predict again without --shard to predict them all")
                    return
                }
                featuresFolder = URL(fileURLWithPath: RunLayout(root: output, featureFolder: ExtractSettings.featureFolderName(stages.extract.backbone)).features)
                ids = ids ?? inputs.map(\.slideID)
            }
            if ids == nil {
                for name in SlidePredictPipeline.hiddenFeatureFiles(in: featuresFolder) {
                    let path = featuresFolder.appendingPathComponent(name).path
                    FileHandle.standardError.write(Data("slidemil predict: warning: \(path) skipped: a name starting with '.' is not a slide id; rename it to predict it\n".utf8))
                }
            }
            let slideIDs = try ids ?? SlidePredictPipeline.slideIDs(in: featuresFolder)
            if !taskModels.isEmpty {
                try predictTask(taskModels, slideIDs: slideIDs, featuresFolder: featuresFolder)
                return
            }
            let pipeline = try SlidePredictPipeline(models: models)
            let predictions = try pipeline.predict(slideIDs: slideIDs, featuresFolder: featuresFolder)
            try SlidePredictPipeline.write(predictions, to: URL(fileURLWithPath: output))
            let source = models.count > 1 ? "mean of \(models.count) fold models" : "fold \(models[0].card.fold)'s model"
            print("\(predictions.count) slides predicted with \(source)")
            for prediction in predictions {
                print("\(prediction.slideID): \(String(format: "%.4f", prediction.probability)) \(prediction.predictedLabel) (\(prediction.tileCount) tiles)")
            }
            print("predictions: \(output)/predictions.csv, attention: \(output)/attention/")
        } catch {
            FileHandle.standardError.write(Data("slidemil predict: \(ErrorLine.describe(error))\n".utf8))
            throw ExitCode.failure
        }
    }

    /// Multi-class, case-bag or survival models: bags by the `case_id` column of --slides when it has one.
    private func predictTask(_ models: [(model: SlideTaskModel, card: SlideTaskModelCard)], slideIDs: [String], featuresFolder: URL) throws {
        let pipeline = try SlideTaskPredictPipeline(models: models)
        var caseIDs: [String?]?
        if let list = input.slides, let table = try? CSVTable.read(from: URL(fileURLWithPath: list)),
           let slideColumn = table.column("slide_id"), let caseColumn = table.column("case_id") {
            let byslide = Dictionary(table.rows.map { ($0[slideColumn].trimmingCharacters(in: .whitespaces), $0[caseColumn].trimmingCharacters(in: .whitespaces)) },
                                     uniquingKeysWith: { first, _ in first })
            caseIDs = slideIDs.map { byslide[$0] }
        }
        let bags = SlideTaskPredictPipeline.bags(slideIDs: slideIDs, caseIDs: caseIDs)
        let predictions = try pipeline.predict(bags: bags, featuresFolder: featuresFolder)
        try pipeline.write(predictions, idColumn: caseIDs == nil ? "slide_id" : "case_id", to: URL(fileURLWithPath: output))
        let source = models.count > 1 ? "mean of \(models.count) fold models" : "fold \(models[0].card.fold)'s model"
        print("\(predictions.count) \(caseIDs == nil ? "slides" : "cases") predicted with \(source)")
        for prediction in predictions {
            let tiles = prediction.members.reduce(0) { $0 + $1.tiles }
            let result = prediction.predictedLabel.map { label in
                String(format: "%@ (P = %.4f)", label, prediction.scores[pipeline.card.classes.firstIndex(of: label)!])
            } ?? String(format: "risk %.4f", prediction.scores[0])
            print("\(prediction.bagID): \(result) (\(tiles) tiles)")
        }
        print("predictions: \(output)/predictions.csv, attention: \(output)/attention/")
    }

    /// Tiling and extraction as the config says; the run's own pipeline.yaml when none is given.
    private func featureStages() throws -> SlideFeatureStages {
        let runConfig = URL(fileURLWithPath: model).deletingLastPathComponent().appendingPathComponent("pipeline.yaml")
        let file = input.config.map { URL(fileURLWithPath: $0) } ?? runConfig
        guard FileManager.default.fileExists(atPath: file.path) else {
            throw ValidationError("--from-slides needs --config (a pipeline config with tile and extract sections); \(runConfig.path) does not exist")
        }
        let settings = try PipelineConfig.load(file: file, overrides: input.overrides)
        return try SlideFeatureStages(tile: settings.tile, extract: settings.extractSettings(), showProgress: isatty(STDERR_FILENO) == 1) { line in
            FileHandle.standardError.write(Data((line + "\n").utf8))
        }
    }
}
