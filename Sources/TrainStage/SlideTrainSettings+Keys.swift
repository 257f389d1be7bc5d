import MIL
import RunSupport

extension ClassBalance: SettingValue {}
extension TrainTask: SettingValue {}
extension TaskHeadKind: SettingValue {}
extension SurvivalLossChoice: SettingValue {}
extension PoolingKind: SettingValue {}
extension ClassifierKind: SettingValue {}
extension MILTrainingOptions.OptimizerKind: SettingValue {}

extension SlideTrainSettings {
    public static let section = "train"

    /// Every setting of `slidemil train` and the pipeline's `train` section, with its range. The
    /// keys keep the nesting of `configs/slide-mil.yaml` (`training.epochs` is `epochs:` under
    /// `training:`); the shortcuts `--folds`, `--class-balance`, `--task`, `--head`,
    /// `--survival-loss`, `--pooling`, `--epochs` and `--seed` are options, every other key is
    /// given with `--set key=value`.
    public static var keys: [SettingKey<SlideTrainSettings>] {
        [
            SettingKey("folds", \.folds, "Stratified cross-validation folds, seeded; 1 = one stratified train/validation split. "
                       + "Not used when the labels have a fold or split column or --splits files are given: those define the folds.",
                       range: SettingRange(1, 100)),
            SettingKey("classBalance", \.classBalance, "Unbalanced labels: loss_weights (each class's loss weighted by n / (2 · n_class)), "
                       + "sampling (each epoch draws slides with equal class probability, CLAM's weighted sampler) or none."),
            SettingKey("instanceLoss.weight", \.instanceLoss.weight, "CLAM-SB's instance-clustering loss: total = (1 − weight) · slide loss "
                       + "+ weight · instance loss (0 = off, CLAM uses 0.3); needs model.embeddingWidth > 0 and attention or gated_attention "
                       + "pooling, and adds instance classifiers to the model.", range: .fraction, place: .configAndSet),
            SettingKey("instanceLoss.topK", \.instanceLoss.topK, "Tiles pseudo-labelled per side by the instance loss: the k most attended "
                       + "as the slide's class, the k least attended as the other (capped at half the tiles; CLAM's k_sample).",
                       range: SettingRange(1, 100_000), place: .configAndSet),
            SettingKey("minimumEpochs", \.minimumEpochs, "Early stopping never ends a fold before this epoch (CLAM's stop_epoch).",
                       range: SettingRange(0, 100_000), place: .configAndSet),
            SettingKey("task", \.task, "classification (binary or multi-class by the number of classes) or survival."),
            SettingKey("head", \.head, "Head of multi-class, case-bag and survival runs: pooled (model.pooling into one linear layer), "
                       + "clam_mb (an attention branch and classifier per class), dsmil or transmil; binary slide runs build model."),
            SettingKey("survival.loss", \.survival.loss, "Survival loss: nll (discrete-time likelihood over quantile time bins) "
                       + "or cox (partial likelihood over each step's bags; needs training.batchSize ≥ 2).", option: "survivalLoss"),
            SettingKey("survival.bins", \.survival.bins, "nll: time bins, cut at quantiles of the fold's training event times.",
                       range: SettingRange(1, 100), place: .configAndSet),
            SettingKey("survival.alpha", \.survival.alpha, "nll: extra weight α of uncensored bags, loss = (1 − α) · NLL + α · NLL of "
                       + "uncensored bags.", range: .unitInterval, place: .configAndSet),
            SettingKey("model.standardizeFeatures", \.model.standardizeFeatures, "Z-score each feature dimension with the mean and std "
                       + "of the fold's training tiles (saved with the model and applied at prediction).", place: .configAndSet),
            SettingKey("model.embeddingWidth", \.model.embeddingWidth, "Width of a shared Linear → ReLU → Dropout tile embedding before "
                       + "pooling (CLAM's fc, 512); 0 = pool the features directly.", range: SettingRange(0, 65_536), place: .configAndSet),
            SettingKey("model.instanceClassifiers", \.model.instanceClassifiers, "Per-class tile classifiers on the embeddings; "
                       + "switched on by instanceLoss.weight > 0.", place: .configAndSet),
            SettingKey("model.pooling", \.model.pooling, "Pooling head: attention, gated_attention, mean, max, softmax_mean or noisy_and.",
                       option: "pooling"),
            SettingKey("model.classifier", \.model.classifier, "Bag classifier: mlp (Linear, LeakyReLU, Dropout, Linear) or logistic.",
                       place: .configAndSet),
            SettingKey("model.attentionHidden", \.model.attentionHidden, "Width H of the attention keys (gated attention: L; "
                       + "softmax_mean: its transform).", range: SettingRange(1, 65_536), place: .configAndSet),
            SettingKey("model.classifierHidden", \.model.classifierHidden, "Hidden width of the mlp classifier.",
                       range: SettingRange(1, 65_536), place: .configAndSet),
            SettingKey("model.dropout", \.model.dropout, "Dropout probability inside the mlp classifier and after the tile embedding.",
                       range: .fraction, place: .configAndSet),
            SettingKey("model.noisyAndChannels", \.model.noisyAndChannels, "noisy_and only: instance-probability channels K.",
                       range: SettingRange(1, 4096), place: .configAndSet),
            SettingKey("model.noisyAndSlope", \.model.noisyAndSlope, "noisy_and only: slope a.", range: .positive(upTo: 1000),
                       place: .configAndSet),
            SettingKey("training.optimizer", \.training.optimizer, "Optimiser: adam or sgd.", place: .configAndSet),
            SettingKey("training.learningRate", \.training.learningRate, "Step size.", range: .positive(upTo: 10), place: .configAndSet),
            SettingKey("training.momentum", \.training.momentum, "SGD momentum (ignored by Adam).", range: .fraction, place: .configAndSet),
            SettingKey("training.weightDecay", \.training.weightDecay, "L2 weight decay as the optimiser applies it.", range: .unitInterval,
                       place: .configAndSet),
            SettingKey("training.epochs", \.training.epochs, "Maximum epochs per fold; early stopping usually ends sooner.",
                       range: SettingRange(1, 100_000), option: "epochs"),
            SettingKey("training.batchSize", \.training.batchSize, "Bags per optimiser step; gradients are accumulated one bag at a time, "
                       + "never padded (Cox survival: the step's bags run together, for its risk sets).", range: SettingRange(1, 100_000), place: .configAndSet),
            SettingKey("training.validationFraction", \.training.validationFraction, "Share of each fold's training slides held out "
                       + "(stratified) for early stopping.", range: .fraction, place: .configAndSet),
            SettingKey("training.patience", \.training.patience, "Epochs without a lower validation loss before stopping (0 = never "
                       + "stop early); the best epoch's weights are kept.", range: SettingRange(0, 100_000), place: .configAndSet),
            SettingKey("training.elasticNet.strength", \.training.elasticNet.strength, "λ of an elastic-net penalty on weight matrices "
                       + "(0 = off).", range: SettingRange(0, 1000), place: .configAndSet),
            SettingKey("training.elasticNet.l2Fraction", \.training.elasticNet.l2Fraction, "α of the elastic net: 0 = pure L1, 1 = pure L2.",
                       range: .unitInterval, place: .configAndSet),
            SettingKey("training.seed", \.training.seed, "Seed of folds, initialisation, shuffling and dropout; fold n uses seed + n.",
                       option: "seed"),
        ]
    }
}
