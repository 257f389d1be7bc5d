import MIL
import RunSupport

/// Everything `slidemil mnist` does, as read from `configs/mnist-bags.yaml` plus overrides.
///
/// Defaults are the shipped config's values, chosen so the whole run takes a few minutes on two
/// CPU cores (see docs/mnist-bags.md for the measurements behind them).
public struct MNISTBagsConfig: Codable, Equatable, Sendable {
    /// Seed of the bags and of the MIL model's initialisation and dropout (the CNN has its own
    /// `pretraining.seed`, so seeds of the MIL part can vary over one set of features).
    public var seed: UInt64 = 1
    public var pretraining = Pretraining()
    public var bags = Bags()
    public var model = MILModelConfiguration()
    public var training = MILTrainingOptions(optimizer: .adam, learningRate: 5e-4, weightDecay: 1e-4, epochs: 30,
                                             batchSize: 16, validationFraction: 0.1, patience: 5)
    public var figure = Figure()

    /// The built-in defaults, equal to configs/mnist-bags.yaml.
    public init() {}

    /// Supervised MNIST pretraining of the 1-channel ResNet-18 variant (conv1 7×7/2/3, 10 classes).
    public struct Pretraining: Codable, Equatable, Sendable {
        /// Seed of the pretraining split, initialisation and shuffling.
        public var seed: UInt64 = 1
        /// Width of conv1/layer1; features are 8× this wide (64 gives torchvision's 512).
        public var baseWidth = 16
        public var epochs = 3
        public var batchSize = 256
        public var optimizer = MILTrainingOptions.OptimizerKind.adam
        public var learningRate: Float = 1e-3
        /// SGD momentum (ignored by Adam).
        public var momentum: Float = 0.9
        /// MNIST training images used for pretraining (0 = all not held out), drawn at random.
        public var trainingImages = 30000
        /// MNIST training images held out to report validation accuracy.
        public var validationImages = 2000
        /// Images per batch when extracting features (memory only; results do not depend on it).
        public var featureBatchSize = 500
    }

    /// How bag sizes are drawn.
    public enum SizeDistribution: String, Codable, Sendable {
        /// Uniform over minimumSize...maximumSize.
        case uniform
        /// Rounded Normal(meanSize, sizeStandardDeviation), at least 1 (Ilse et al. 2018).
        case normal
    }

    /// What a bag's label says.
    public enum Task: String, Codable, Sendable {
        /// Binary: a bag is positive iff it holds `targetDigit`.
        case targetDigit = "target_digit"
        /// Four classes: the bag holds neither, only the first (`targetDigit`), only the second
        /// (`secondDigit`), or both target digits (`TwoDigitBagSampler`; balanced by construction).
        case twoDigits = "two_digits"
    }

    /// Bag drawing: train bags from MNIST train images, test bags from MNIST test images.
    public struct Bags: Codable, Equatable, Sendable {
        public var task = Task.targetDigit
        /// A bag is positive iff it holds this digit (the first target digit of `two_digits`).
        public var targetDigit: UInt8 = 1
        /// The second target digit of `two_digits` (ignored by `target_digit`).
        public var secondDigit: UInt8 = 7
        public var sizes = SizeDistribution.uniform
        public var minimumSize = 3
        public var maximumSize = 7
        public var meanSize = 10.0
        public var sizeStandardDeviation = 2.0
        public var trainingBags = 2000
        public var testBags = 1000
        /// Bags draw from the first this many MNIST train images (0 = all 60,000); only these get features.
        public var trainingPool = 0
        /// Bags draw from the first this many MNIST test images (0 = all 10,000).
        public var testPool = 0
        /// Half the bags positive by construction (`target_digit`; `two_digits` is always balanced).
        public var balanced = false
        /// Draw each bag independently so images can appear in several bags (Ilse et al.).
        public var reuseAcrossBags = false
    }

    /// The PNG of test bags with their attention.
    public struct Figure: Codable, Equatable, Sendable {
        /// Test bags shown (half positive when possible); 0 = no figure.
        public var bags = 8
    }

    /// The documented range of every numeric setting, by key (see docs/configuration.md).
    public static let ranges: [(key: String, range: SettingRange)] = [
        ("pretraining.baseWidth", SettingRange(1, 256)), ("pretraining.epochs", SettingRange(0, 1000)),
        ("pretraining.batchSize", SettingRange(1, 60_000)), ("pretraining.learningRate", .positive(upTo: 10)),
        ("pretraining.momentum", .fraction), ("pretraining.trainingImages", SettingRange(0, 60_000)),
        ("pretraining.validationImages", SettingRange(0, 59_000)), ("pretraining.featureBatchSize", SettingRange(1, 60_000)),
        ("bags.targetDigit", SettingRange(0, 9)), ("bags.secondDigit", SettingRange(0, 9)), ("bags.minimumSize", SettingRange(1, 10_000)),
        ("bags.maximumSize", SettingRange(1, 10_000)), ("bags.meanSize", .positive(upTo: 10_000)),
        ("bags.sizeStandardDeviation", SettingRange(0, 10_000)), ("bags.trainingBags", SettingRange(2, 1_000_000)),
        ("bags.testBags", SettingRange(2, 1_000_000)), ("bags.trainingPool", SettingRange(0, 60_000)),
        ("bags.testPool", SettingRange(0, 10_000)), ("model.attentionHidden", SettingRange(1, 65_536)),
        ("model.classifierHidden", SettingRange(1, 65_536)), ("model.dropout", .fraction),
        ("model.noisyAndChannels", SettingRange(1, 4096)), ("model.noisyAndSlope", .positive(upTo: 1000)),
        ("model.embeddingWidth", SettingRange(0, 65_536)), ("training.learningRate", .positive(upTo: 10)),
        ("training.momentum", .fraction), ("training.weightDecay", .unitInterval),
        ("training.epochs", SettingRange(1, 100_000)), ("training.batchSize", SettingRange(1, 100_000)),
        ("training.validationFraction", .fraction), ("training.patience", SettingRange(0, 100_000)),
        ("training.elasticNet.strength", SettingRange(0, 1000)), ("training.elasticNet.l2Fraction", .unitInterval),
        ("figure.bags", SettingRange(0, 1000)),
    ]

    /// The numeric settings by key, in `ranges` order.
    private var numbers: [Double] {
        [Double(pretraining.baseWidth), Double(pretraining.epochs), Double(pretraining.batchSize),
         Double(pretraining.learningRate), Double(pretraining.momentum), Double(pretraining.trainingImages),
         Double(pretraining.validationImages), Double(pretraining.featureBatchSize), Double(bags.targetDigit), Double(bags.secondDigit),
         Double(bags.minimumSize), Double(bags.maximumSize), bags.meanSize, bags.sizeStandardDeviation,
         Double(bags.trainingBags), Double(bags.testBags), Double(bags.trainingPool), Double(bags.testPool),
         Double(model.attentionHidden), Double(model.classifierHidden), Double(model.dropout),
         Double(model.noisyAndChannels), Double(model.noisyAndSlope), Double(model.embeddingWidth),
         Double(training.learningRate), Double(training.momentum), Double(training.weightDecay),
         Double(training.epochs), Double(training.batchSize), training.validationFraction,
         Double(training.patience), Double(training.elasticNet.strength), Double(training.elasticNet.l2Fraction),
         Double(figure.bags)]
    }

    /// Checks every numeric setting against its range (non-finite values never pass); run before
    /// anything is written.
    /// - Throws: `SettingRangeError` naming the key, the value and the range;
    ///   `MNISTBagsError.invalidSettings` for a combination that cannot run.
    public func validate() throws {
        for ((key, range), value) in zip(Self.ranges, numbers) { try range.check(key, value) }
        if let problem = model.problem { throw MNISTBagsError.invalidSettings(problem) }
        if bags.task == .twoDigits {
            if bags.secondDigit == bags.targetDigit {
                throw MNISTBagsError.invalidSettings("bags.secondDigit must differ from bags.targetDigit (both \(bags.targetDigit))")
            }
            if model.embeddingWidth > 0 || model.instanceClassifiers || model.standardizeFeatures {
                throw MNISTBagsError.invalidSettings("bags.task two_digits takes a pooling head and a linear classifier only: "
                                                     + "model.embeddingWidth, model.instanceClassifiers and model.standardizeFeatures must be off")
            }
        }
    }
}