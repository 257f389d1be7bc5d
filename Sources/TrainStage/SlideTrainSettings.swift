import MIL
import RunSupport

/// How training counters unbalanced labels.
public enum ClassBalance: String, Codable, CaseIterable, Sendable {
    /// Weight each bag's loss by n / (2·n_class), so both classes count equally.
    case lossWeights = "loss_weights"
    /// Draw the bags of each epoch with equal class probability (CLAM's weighted sampler).
    case sampling
    /// Neither: plain shuffled epochs and unweighted loss.
    case none
}

/// Settings of `slidemil train` and the pipeline's `train` section; defaults equal
/// `configs/slide-mil.yaml` and can be overridden by a YAML file, the command's options and
/// `--set key=value`. Every key is declared once in `keys` (SlideTrainSettings+Keys.swift).
public struct SlideTrainSettings: StageSettings, Sendable {
    /// Architecture: standardisation, optional instance embedding, pooling head (attention by
    /// default), classifier and widths.
    public var model: MILModelConfiguration
    /// Optimiser, epochs, patience and seed. `batchSize` is the number of bags whose gradients are
    /// accumulated per step (each bag is its own forward pass, never padded; with the Cox loss
    /// the step's bags run as one padded batch, whose risk sets couple them);
    /// `validationFraction` is the share of each fold's training slides used for early stopping.
    public var training: MILTrainingOptions
    /// Cross-validation folds; 1 = one stratified train/validation split. Not used when the labels
    /// file has a `fold` or `split` column: those define the folds.
    public var folds: Int
    /// Loss weights, balanced sampling or nothing for unbalanced labels.
    public var classBalance: ClassBalance
    /// CLAM-SB's instance-clustering loss; its weight > 0 needs `model.embeddingWidth` > 0 and
    /// attention pooling, and adds instance classifiers to the model.
    public var instanceLoss: InstanceLossOptions
    /// Early stopping never ends a fold before this epoch (CLAM's `stop_epoch`).
    public var minimumEpochs: Int
    /// `classification` (binary or multi-class by the number of classes) or `survival`.
    public var task: TrainTask
    /// The bag head of multi-class, case-bag and survival runs (binary slide runs build `model`).
    public var head: TaskHeadKind
    /// Loss and time bins of survival runs.
    public var survival: SurvivalSettings

    /// The defaults (see `init(model:training:...)`).
    public init() {
        self.init(folds: 5)
    }

    /// Defaults after CLAM's slide-level recipe: features standardised on the training slides,
    /// attention pooling (H = 128) into an MLP with 256 hidden units and dropout 0.25; Adam,
    /// lr 2e-4, weight decay 1e-5, one bag per step, up to 100 epochs, early stopping with
    /// patience 20 (CLAM's) after epoch 30 on 10 % validation slides; 5 folds; class-balanced
    /// loss weights; no instance loss; seed 0.
    public init(model: MILModelConfiguration = MILModelConfiguration(pooling: .attention, classifier: .mlp, attentionHidden: 128,
                                                                      classifierHidden: 256, dropout: 0.25, standardizeFeatures: true),
                training: MILTrainingOptions = MILTrainingOptions(optimizer: .adam, learningRate: 2e-4, weightDecay: 1e-5, epochs: 100,
                                                                  batchSize: 1, validationFraction: 0.1, patience: 20, seed: 0),
                folds: Int = 5, classBalance: ClassBalance = .lossWeights, instanceLoss: InstanceLossOptions = InstanceLossOptions(),
                minimumEpochs: Int = 30, task: TrainTask = .classification, head: TaskHeadKind = .pooled,
                survival: SurvivalSettings = SurvivalSettings()) {
        self.model = model
        self.training = training
        self.folds = folds
        self.classBalance = classBalance
        self.instanceLoss = instanceLoss
        self.minimumEpochs = minimumEpochs
        self.task = task
        self.head = head
        self.survival = survival
    }

    /// The architecture actually built: `model` with instance classifiers when the instance loss is on.
    public var architecture: MILModelConfiguration {
        var architecture = model
        architecture.instanceClassifiers = model.instanceClassifiers || instanceLoss.weight > 0
        return architecture
    }

    /// Checks every numeric setting against its range (non-finite values never pass), then the
    /// architecture; run before anything is written.
    /// - Throws: `SettingRangeError` naming the key, value and range, or
    ///   `SlideTrainError.invalidSettings` naming the first contradiction.
    public func validate() throws {
        try checkRanges()
        if let problem = architecture.problem {
            throw SlideTrainError.invalidSettings(problem: instanceLoss.weight > 0 ? "instanceLoss.weight > 0: " + problem : problem)
        }
        if task == .survival && survival.loss == .cox && training.batchSize < 2 {
            throw SlideTrainError.invalidSettings(problem: "survival.loss cox needs training.batchSize of 2 or more (risk sets are formed per step)")
        }
    }
}
