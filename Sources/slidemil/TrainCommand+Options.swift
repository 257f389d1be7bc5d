import ArgumentParser
import TrainStage

extension TrainCommand {
    /// What is trained on: labelled slides with feature files, or an instances CSV.
    struct InputOptions: ParsableArguments {
        @Option(name: .long, help: "Labels CSV (slide_id,label[,split][,fold]).")
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

        @Option(name: .long, help: "Class name treated as positive (default: 1/tumor/positive if present, else the last in sorted order).")
        var positiveClass: String?

        @Option(name: .long, help: "Feature files larger than this many GiB in total are re-read from disk each epoch instead of held in memory.")
        var memoryBudgetGib: Double = 8
    }

    /// Multi-class, case-bag and survival runs (see docs/configuration.md: task, head, survival).
    /// Each setting option is named as its `SlideTrainSettings` key's option, which gives its
    /// help and default; options left out keep the value of `--config` (or the default).
    struct TaskOptions: ParsableArguments {
        @Option(help: .setting(SlideTrainSettings.self, "task", showingDefault: true))
        var task: String?

        @Option(help: .setting(SlideTrainSettings.self, "head", showingDefault: true))
        var head: String?

        @Option(help: .setting(SlideTrainSettings.self, "survival.loss", showingDefault: true))
        var survivalLoss: String?

        @Option(name: .customLong("time-column"), help: "Follow-up time column for survival (default: time, else survival_months).")
        var timeColumn: String?

        @Option(name: .customLong("event-column"), help: "Event column for survival, 1 = event (default: event, else censorship with 1 = censored).")
        var eventColumn: String?
    }

    /// How the slides are split into folds.
    struct FoldOptions: ParsableArguments {
        @Option(help: .setting(SlideTrainSettings.self, "folds", showingDefault: true))
        var folds: Int?

        @Option(name: .long, help: "CLAM split file splits_<k>.csv (train,val,test columns of slide ids); one fold per file (repeatable).")
        var splits: [String] = []
    }

    /// The training settings: a config file and the most used settings as options.
    struct SettingsOptions: ParsableArguments {
        @Option(name: .long, help: "YAML config file (default: the built-in settings of configs/slide-mil.yaml).")
        var config: String?

        @Option(help: .setting(SlideTrainSettings.self, "model.pooling", showingDefault: true))
        var pooling: String?

        @Option(help: .setting(SlideTrainSettings.self, "classBalance", showingDefault: true))
        var classBalance: String?

        @Option(help: .setting(SlideTrainSettings.self, "training.epochs", showingDefault: true))
        var epochs: Int?

        @Option(help: .setting(SlideTrainSettings.self, "training.seed", showingDefault: true))
        var seed: UInt64?
    }

    /// The options of the groups above that are no setting: the command reads them itself.
    static let commandOwnOptions: Set<String> = ["timeColumn", "eventColumn", "splits", "config"]
}
