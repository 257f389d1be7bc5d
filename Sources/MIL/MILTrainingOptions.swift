/// Training settings of `MILTrainer`, whatever its objective; seeded and reproducible.
public struct MILTrainingOptions: Codable, Equatable, Sendable {
    /// The optimiser.
    public enum OptimizerKind: String, Codable, Sendable {
        case sgd, adam
    }

    public var optimizer: OptimizerKind
    public var learningRate: Float
    /// SGD momentum (ignored by Adam).
    public var momentum: Float
    /// L2 weight decay as the optimiser applies it.
    public var weightDecay: Float
    public var epochs: Int
    /// Bags per optimiser step (`MILTrainer` accumulates their gradients one bag at a time, or
    /// pads them into one batch for a loss over the step's bags).
    public var batchSize: Int
    /// Fraction of the training bags the caller holds out for validation and early stopping
    /// (0 = none); the trainers take the held-out bags explicitly.
    public var validationFraction: Double
    /// Epochs without a validation-loss improvement before stopping (0 = never stop early).
    public var patience: Int
    public var elasticNet: ElasticNet
    public var seed: UInt64

    /// Defaults: Adam, lr 5e-4, weight decay 1e-4, 20 epochs, 16 bags per batch, 10 % validation,
    /// patience 5, no elastic net, seed 0.
    public init(optimizer: OptimizerKind = .adam, learningRate: Float = 5e-4, momentum: Float = 0.9, weightDecay: Float = 1e-4,
                epochs: Int = 20, batchSize: Int = 16, validationFraction: Double = 0.1, patience: Int = 5,
                elasticNet: ElasticNet = ElasticNet(), seed: UInt64 = 0) {
        self.optimizer = optimizer
        self.learningRate = learningRate
        self.momentum = momentum
        self.weightDecay = weightDecay
        self.epochs = epochs
        self.batchSize = batchSize
        self.validationFraction = validationFraction
        self.patience = patience
        self.elasticNet = elasticNet
        self.seed = seed
    }
}
