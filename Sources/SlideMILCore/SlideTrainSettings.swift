import MIL

/// Settings of `slidemil train`; defaults equal `configs/slide-mil.yaml` and can be overridden by
/// a YAML file and `--set key=value` (see `ConfigLoader`).
public struct SlideTrainSettings: Codable, Equatable, Sendable {
    /// Architecture: pooling head (attention by default), classifier and widths.
    public var model: MILModelConfiguration
    /// Optimiser, epochs, patience and seed. `batchSize` is the number of bags whose gradients are
    /// accumulated per step (each bag is its own forward pass, never padded);
    /// `validationFraction` is the share of each fold's training slides used for early stopping.
    public var training: MILTrainingOptions
    /// Cross-validation folds; 1 = one stratified train/validation split. Not used when the labels
    /// file has a `fold` or `split` column: those define the folds.
    public var folds: Int
    /// Weight the loss by n / (2·n_class) so both classes count equally.
    public var balanceClasses: Bool
    /// Early stopping never ends a fold before this epoch (CLAM's `stop_epoch`).
    public var minimumEpochs: Int

    /// Defaults after CLAM's slide-level recipe: attention pooling (H = 128) into an MLP with 256
    /// hidden units and dropout 0.25; Adam, lr 2e-4, weight decay 1e-5, one bag per step, up to
    /// 100 epochs, early stopping with patience 20 (CLAM's) after epoch 30 on 10 % validation slides;
    /// 5 folds; balanced class weights; seed 0.
    public init(model: MILModelConfiguration = MILModelConfiguration(pooling: .attention, classifier: .mlp, attentionHidden: 128,
                                                                      classifierHidden: 256, dropout: 0.25),
                training: MILTrainingOptions = MILTrainingOptions(optimizer: .adam, learningRate: 2e-4, weightDecay: 1e-5, epochs: 100,
                                                                  batchSize: 1, validationFraction: 0.1, patience: 20, seed: 0),
                folds: Int = 5, balanceClasses: Bool = true, minimumEpochs: Int = 30) {
        self.model = model
        self.training = training
        self.folds = folds
        self.balanceClasses = balanceClasses
        self.minimumEpochs = minimumEpochs
    }
}
