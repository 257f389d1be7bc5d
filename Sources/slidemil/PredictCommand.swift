import ArgumentParser
import Foundation
import SlideMILCore
import Store

struct PredictCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "predict",
        abstract: "Apply a trained MIL model to feature files: slide probabilities and per-tile attention.",
        discussion: """
        --model is a model folder (model.json + model.safetensors) or a run folder of slidemil train \
        (then --fold picks fold-<n>). Writes <output>/predictions.csv (slide_id,probability,predicted_label,tiles) \
        and <output>/attention/<slide_id>.h5 with coords (N,2) and attention (N) for slidemil heatmap. \
        Every slide is checked before anything is written.
        """
    )

    @Option(name: .long, help: "Model folder or run folder.")
    var model: String

    @Option(name: .long, help: "Fold of a run folder to use.")
    var fold: Int = 1

    @Option(name: .long, help: "Folder of <slide_id>.h5 feature files.")
    var features: String = "features"

    @Option(name: .long, help: "Slides to predict: CSV with slide_id or one id per line (default: every .h5 in --features).")
    var slides: String?

    @Option(name: .long, help: "Output folder.")
    var output: String = "predictions"

    func run() throws {
        do {
            let (trained, card) = try SlideModelFiles.load(from: SlideModelFiles.resolve(URL(fileURLWithPath: model), fold: fold))
            let featuresFolder = URL(fileURLWithPath: features)
            let ids = try slides.map { try SlideList.read(from: URL(fileURLWithPath: $0)) } ?? SlidePredictPipeline.slideIDs(in: featuresFolder)
            let predictions = try SlidePredictPipeline(model: trained, card: card).predict(slideIDs: ids, featuresFolder: featuresFolder)
            try SlidePredictPipeline.write(predictions, to: URL(fileURLWithPath: output))
            for prediction in predictions {
                print("\(prediction.slideID): \(String(format: "%.4f", prediction.probability)) \(prediction.predictedLabel) (\(prediction.tileCount) tiles)")
            }
            print("predictions: \(output)/predictions.csv, attention: \(output)/attention/")
        } catch {
            FileHandle.standardError.write(Data("slidemil predict: \(error)\n".utf8))
            throw ExitCode.failure
        }
    }
}
