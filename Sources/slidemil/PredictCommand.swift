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
        Every slide is checked before anything is written.

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

    @Option(name: .long, help: ArgumentHelp("Fold of a run folder: a number, best (highest cross-validation AUC) or all (average of every fold).",
                                            valueName: "n|best|all"))
    var fold: String = "all"

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
            let models = try selection.load(from: URL(fileURLWithPath: model))
            let pipeline = try SlidePredictPipeline(models: models)
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
            let predictions = try pipeline.predict(slideIDs: ids ?? SlidePredictPipeline.slideIDs(in: featuresFolder), featuresFolder: featuresFolder)
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

    /// Tiling and extraction as the config says; the run's own pipeline.yaml when none is given.
    private func featureStages() throws -> SlideFeatureStages {
        let runConfig = URL(fileURLWithPath: model).deletingLastPathComponent().appendingPathComponent("pipeline.yaml")
        let file = input.config.map { URL(fileURLWithPath: $0) } ?? runConfig
        guard FileManager.default.fileExists(atPath: file.path) else {
            throw ValidationError("--from-slides needs --config (a pipeline config with tile and extract sections); \(runConfig.path) does not exist")
        }
        let settings = try PipelineConfig.load(file: file, overrides: input.overrides)
        return SlideFeatureStages(tile: settings.tile, extract: settings.extract, showProgress: isatty(STDERR_FILENO) == 1) { line in
            FileHandle.standardError.write(Data((line + "\n").utf8))
        }
    }
}
