import ArgumentParser

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
    struct TaskOptions: ParsableArguments {
        @Option(name: .long, help: "classification (binary or multi-class by the number of classes) or survival.")
        var task: String?

        @Option(name: .long, help: "Head of multi-class, case-bag and survival runs: pooled, clam_mb, dsmil or transmil.")
        var head: String?

        @Option(name: .customLong("survival-loss"), help: "Survival loss: nll (discrete time over quantile bins) or cox.")
        var survivalLoss: String?

        @Option(name: .customLong("time-column"), help: "Follow-up time column for survival (default: time, else survival_months).")
        var timeColumn: String?

        @Option(name: .customLong("event-column"), help: "Event column for survival, 1 = event (default: event, else censorship with 1 = censored).")
        var eventColumn: String?
    }

    /// How the slides are split into folds.
    struct FoldOptions: ParsableArguments {
        @Option(name: .long, help: "Cross-validation folds (1 = split column or one stratified hold-out split).")
        var folds: Int?

        @Option(name: .long, help: "CLAM split file splits_<k>.csv (train,val,test columns of slide ids); one fold per file (repeatable).")
        var splits: [String] = []
    }

    /// The training settings: a config file, overrides and the most used shortcuts.
    struct SettingsOptions: ParsableArguments {
        @Option(name: .long, help: "YAML config file (default: the built-in settings of configs/slide-mil.yaml).")
        var config: String?

        @Option(name: .customLong("set"), help: "Override one setting, e.g. --set training.learningRate=0.001 (repeatable).")
        var overrides: [String] = []

        @Option(name: .long, help: "Pooling head: attention, gated_attention, mean, max, softmax_mean, noisy_and.")
        var pooling: String?

        @Option(name: .customLong("class-balance"), help: "Unbalanced labels: loss_weights, sampling (CLAM's weighted sampler) or none.")
        var classBalance: String?

        @Option(name: .long, help: "Maximum epochs.")
        var epochs: Int?

        @Option(name: .long, help: "Random seed for splits, initialisation, shuffling and dropout.")
        var seed: UInt64?
    }
}
