import ArgumentParser
import Foundation
import SlideMILCore
import Store

struct TrainCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "train",
        abstract: "Train an attention-MIL slide classifier on feature files (or an instances CSV), with cross-validation.",
        discussion: """
        Labels: a CSV with slide_id,label[,split][,fold] (CLAM's case_id,slide_id,label also works); features: \
        <features>/<slide_id>.h5 from slidemil extract, CLAM or TRIDENT. Or --instances FILE.csv with one \
        instance per row (bag_id, label, feature columns) for classic MIL sets such as Musk. \
        Without --config the defaults of configs/slide-mil.yaml are used (every key is documented \
        there and in docs/configuration.md). The run folder gets fold-<n>/model.safetensors + model.json, \
        metrics, predictions, summary.json/csv and curves.png. Features are standardised with the training \
        tiles' statistics (saved with the model); unbalanced labels get class weights (or --class-balance \
        sampling); CLAM-SB's instance clustering is --set instanceLoss.weight=0.3 --set model.embeddingWidth=512.

        Examples:
          slidemil train --labels labels.csv --features runs/features --folds 5 --output runs/mil
          slidemil train --labels labels.csv --features clam/h5_files --pooling gated_attention --class-balance sampling
          slidemil train --instances musk1.csv --bag-column molecule --folds 10 --output runs/musk1
        """
    )

    @Option(name: .long, help: "Labels CSV (slide_id,label[,split]).")
    var labels: String?

    @Option(name: .long, help: "Folder of <slide_id>.h5 feature files.")
    var features: String = "features"

    @Option(name: .long, help: "Instances CSV (one instance per row) instead of --labels/--features.")
    var instances: String?

    @Option(name: .long, help: "Bag id column of --instances.")
    var bagColumn: String = "bag_id"

    @Option(name: .long, help: "Bag label column of --instances.")
    var labelColumn: String = "label"

    @Option(name: .long, help: "Columns of --instances that are neither id, label nor feature (repeatable).")
    var ignoreColumn: [String] = []

    @Option(name: .long, help: "Feature files larger than this many GiB in total are re-read from disk each epoch instead of held in memory.")
    var memoryBudgetGib: Double = 8

    @Option(name: .long, help: "Class name treated as positive (default: 1/tumor/positive if present, else the last in sorted order).")
    var positiveClass: String?

    @Option(name: .long, help: "Cross-validation folds (1 = split column or one stratified hold-out split).")
    var folds: Int?

    @Option(name: .long, help: "CLAM split file splits_<k>.csv (train,val,test columns of slide ids); one fold per file (repeatable).")
    var splits: [String] = []

    @Option(name: .long, help: "Pooling head: attention, gated_attention, mean, max, softmax_mean, noisy_and.")
    var pooling: String?

    @Option(name: .customLong("class-balance"), help: "Unbalanced labels: loss_weights, sampling (CLAM's weighted sampler) or none.")
    var classBalance: String?

    @Option(name: .long, help: "Maximum epochs.")
    var epochs: Int?

    @Option(name: .long, help: "Random seed for splits, initialisation, shuffling and dropout.")
    var seed: UInt64?

    @Option(name: .long, help: "YAML config file (default: the built-in settings of configs/slide-mil.yaml).")
    var config: String?

    @Option(name: .customLong("set"), help: "Override one setting, e.g. --set training.learningRate=0.001 (repeatable).")
    var overrides: [String] = []

    @Option(name: .long, help: "Run folder.")
    var output: String = "runs/slide-mil"

    func run() throws {
        do {
            var shortcuts = overrides
            if let folds { shortcuts.append("folds=\(folds)") }
            if let pooling { shortcuts.append("model.pooling=\(pooling)") }
            if let classBalance { shortcuts.append("classBalance=\(classBalance)") }
            if let epochs { shortcuts.append("training.epochs=\(epochs)") }
            if let seed { shortcuts.append("training.seed=\(seed)") }
            let settings = try ConfigLoader.load(defaults: SlideTrainSettings(), file: config.map { URL(fileURLWithPath: $0) },
                                                 overrides: shortcuts)
            let data: SlideBagSet
            if let instances {
                data = try SlideBagSet.loadInstances(csv: URL(fileURLWithPath: instances), bagColumn: bagColumn, labelColumn: labelColumn,
                                                     ignoredColumns: ignoreColumn, positiveClass: positiveClass)
            } else if let labels {
                let csv = try CSVTable.read(from: URL(fileURLWithPath: labels))
                var slides = try SlideBagSet.load(labels: SlideLabelTable.parse(csv, source: labels),
                                                  featuresFolder: URL(fileURLWithPath: features), positiveClass: positiveClass,
                                                  memoryBudget: Int(memoryBudgetGib * Double(1 << 30)))
                if let column = csv.column("fold") {
                    slides.foldNames = csv.rows.map { $0[column].trimmingCharacters(in: .whitespaces) }.map { $0.isEmpty ? nil : $0 }
                }
                data = slides
            } else {
                throw ValidationError("pass --labels (with --features) or --instances")
            }
            FileHandle.standardError.write(Data("\(data.ids.count) bags, \(data.featureWidth)-wide features, positive class '\(data.mapping.positive)'\n".utf8))
            let givenFolds = splits.isEmpty ? nil : try splits.enumerated().map { number, path in
                try SlideFoldPlan.fromSplitFile(URL(fileURLWithPath: path), ids: data.ids, number: number + 1)
            }
            let pipeline = SlideTrainPipeline(settings: settings, data: data, outputDirectory: URL(fileURLWithPath: output),
                                              givenFolds: givenFolds) { line in
                FileHandle.standardError.write(Data((line + "\n").utf8))
            }
            let summary = try pipeline.run()
            print(summary.table)
            print("run folder: \(output)")
        } catch let error as ValidationError {
            throw error
        } catch {
            FileHandle.standardError.write(Data("slidemil train: \(error)\n".utf8))
            throw ExitCode.failure
        }
    }
}
