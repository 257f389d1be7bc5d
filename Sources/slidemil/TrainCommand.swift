import ArgumentParser
import Foundation
import RunSupport
import Store
import TrainStage

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

        Three or more classes train a multi-class --head (softmax, class weights, folds stratified over every \
        class; macroAUC, perClassAUC and confusionMatrix in summary.json; p_<class> columns in predictions.csv). \
        A case_id column makes each case one bag of all its slides' tiles, with folds split by case. \
        --task survival reads time/event (or survival_months/censorship) columns, trains the nll or cox \
        loss, reports cIndex and draws km.png.

        Examples:
          slidemil train --labels labels.csv --features runs/features --folds 5 --output runs/mil
          slidemil train --labels labels.csv --features clam/h5_files --pooling gated_attention --class-balance sampling
          slidemil train --instances musk1.csv --bag-column molecule --folds 10 --output runs/musk1
          slidemil train --labels subtypes.csv --features runs/features --head clam_mb --output runs/subtypes
          slidemil train --labels survival.csv --features runs/features --task survival --survival-loss cox --set training.batchSize=16
        """
    )

    @OptionGroup(title: "Slides and labels")
    var input: InputOptions

    @OptionGroup(title: "Multi-class, case bags and survival")
    var taskOptions: TaskOptions

    @OptionGroup(title: "Folds")
    var folding: FoldOptions

    @OptionGroup(title: "Model and training")
    var settings: SettingsOptions

    @OptionGroup(title: "Settings")
    var overrides: SettingOverrideOptions

    @Option(name: .long, help: "Run folder.")
    var output: String = "runs/slide-mil"

    /// The bags of a multi-class, case-bag or survival run; nil when the binary slide path applies.
    private func taskData(_ trainSettings: SlideTrainSettings) throws -> TaskBagSet? {
        let source = input.instances ?? input.labels
        guard let source else { return nil }
        let table = try CSVTable.read(from: URL(fileURLWithPath: source))
        guard TaskBagSet.isNeeded(table: table, task: trainSettings.task, labelColumn: input.instances == nil ? "label" : input.labelColumn) else {
            return nil
        }
        let columns = try TaskLabelColumns(table: table, task: trainSettings.task, labelColumn: input.instances == nil ? "label" : input.labelColumn,
                                           timeColumn: taskOptions.timeColumn, eventColumn: taskOptions.eventColumn, source: source)
        if input.instances != nil {
            return try TaskBagSet.loadInstances(csv: URL(fileURLWithPath: source), bagColumn: input.bagColumn, columns: columns,
                                                ignoredColumns: input.ignoreColumn)
        }
        return try TaskBagSet.load(labels: table, source: source, columns: columns, featuresFolder: URL(fileURLWithPath: input.features))
    }

    private func trainTask(_ data: TaskBagSet, settings trainSettings: SlideTrainSettings) throws {
        let what = data.task == .survival ? "survival" : "\(data.classes.count) classes (\(data.classes.joined(separator: ", ")))"
        FileHandle.standardError.write(Data("\(data.ids.count) bags (\(data.idColumn)), \(data.featureWidth)-wide features, \(what)\n".utf8))
        let givenFolds = folding.splits.isEmpty ? nil : try folding.splits.enumerated().map { number, path in
            try SlideFoldPlan.fromSplitFile(URL(fileURLWithPath: path), ids: data.ids, number: number + 1,
                                            members: data.members.map { $0.map(\.slideID) })
        }
        let summary = try SlideTaskTrainPipeline(settings: trainSettings, data: data, outputDirectory: URL(fileURLWithPath: output),
                                                 givenFolds: givenFolds) { line in
            FileHandle.standardError.write(Data((line + "\n").utf8))
        }.run()
        print(summary.table)
        print("run folder: \(output)")
    }

    /// `--config` (or the defaults), then the setting options, then `--set`; checked.
    /// - Throws: `ValidationError` naming the first bad value.
    func trainSettings() throws -> SlideTrainSettings {
        let file: SlideTrainSettings
        do {
            file = try ConfigLoader.load(defaults: SlideTrainSettings(), file: settings.config.map { URL(fileURLWithPath: $0) })
        } catch {
            throw ValidationError("\(error)")
        }
        return try overrides.settings(from: [taskOptions, folding, settings], except: Self.commandOwnOptions, base: file)
    }

    func run() throws {
        let trainSettings: SlideTrainSettings
        do {
            trainSettings = try self.trainSettings()
        } catch let error as ValidationError {
            FileHandle.standardError.write(Data("slidemil train: \(error)\n".utf8))
            throw ExitCode.failure
        }
        if try overrides.printed(trainSettings) { return }
        do {
            if let taskData = try taskData(trainSettings) {
                try trainTask(taskData, settings: trainSettings)
                return
            }
            let data: SlideBagSet
            if let instances = input.instances {
                data = try SlideBagSet.loadInstances(csv: URL(fileURLWithPath: instances), bagColumn: input.bagColumn, labelColumn: input.labelColumn,
                                                     ignoredColumns: input.ignoreColumn, positiveClass: input.positiveClass)
            } else if let labels = input.labels {
                let csv = try CSVTable.read(from: URL(fileURLWithPath: labels))
                var slides = try SlideBagSet.load(labels: SlideLabelTable.parse(csv, source: labels),
                                                  featuresFolder: URL(fileURLWithPath: input.features), positiveClass: input.positiveClass,
                                                  memoryBudget: Int(input.memoryBudgetGib * Double(1 << 30)))
                if let column = csv.column("fold") {
                    slides.foldNames = csv.rows.map { $0[column].trimmingCharacters(in: .whitespaces) }.map { $0.isEmpty ? nil : $0 }
                }
                data = slides
            } else {
                throw ValidationError("pass --labels (with --features) or --instances")
            }
            FileHandle.standardError.write(Data("\(data.ids.count) bags, \(data.featureWidth)-wide features, positive class '\(data.mapping.positive)'\n".utf8))
            let givenFolds = folding.splits.isEmpty ? nil : try folding.splits.enumerated().map { number, path in
                try SlideFoldPlan.fromSplitFile(URL(fileURLWithPath: path), ids: data.ids, number: number + 1)
            }
            let pipeline = SlideTrainPipeline(settings: trainSettings, data: data, outputDirectory: URL(fileURLWithPath: output),
                                              givenFolds: givenFolds) { line in
                FileHandle.standardError.write(Data((line + "\n").utf8))
            }
            let summary = try pipeline.run()
            print(summary.table)
            print("run folder: \(output)")
        } catch let error as ValidationError {
            throw error
        } catch {
            FileHandle.standardError.write(Data("slidemil train: \(ErrorLine.describe(error))\n".utf8))
            throw ExitCode.failure
        }
    }
}
