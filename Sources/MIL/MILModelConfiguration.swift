import NN
import Tensor

/// How bags are pooled into one embedding.
public enum PoolingKind: String, Codable, CaseIterable, Sendable {
    case mean
    case max
    case attention
    case gatedAttention = "gated_attention"
    case softmaxMean = "softmax_mean"
    case noisyAnd = "noisy_and"
}

/// Which classifier maps the bag embedding to a logit.
public enum ClassifierKind: String, Codable, CaseIterable, Sendable {
    /// `MLPBagClassifier` (the tutorial's NN).
    case mlp
    /// `LogisticBagClassifier`.
    case logistic
}

/// The architecture of a MIL model, independent of the data it will see.
public struct MILModelConfiguration: Codable, Equatable, Sendable {
    public var pooling: PoolingKind
    public var classifier: ClassifierKind
    /// H of the attention keys / gated attention L / SoftMaxMean transform (default 128).
    public var attentionHidden: Int
    /// K of Noisy-AND (default 32).
    public var noisyAndChannels: Int
    /// a of Noisy-AND (default 10).
    public var noisyAndSlope: Float
    /// Hidden width of the MLP classifier (the tutorial's 1024).
    public var classifierHidden: Int
    /// Dropout probability inside the MLP classifier (default 0.25).
    public var dropout: Float

    /// Defaults: attention pooling, MLP classifier (1024 hidden, dropout 0.25), H = 128, Noisy-AND K = 32, a = 10.
    public init(pooling: PoolingKind = .attention, classifier: ClassifierKind = .mlp, attentionHidden: Int = 128,
                noisyAndChannels: Int = 32, noisyAndSlope: Float = 10, classifierHidden: Int = 1024, dropout: Float = 0.25) {
        self.pooling = pooling
        self.classifier = classifier
        self.attentionHidden = attentionHidden
        self.noisyAndChannels = noisyAndChannels
        self.noisyAndSlope = noisyAndSlope
        self.classifierHidden = classifierHidden
        self.dropout = dropout
    }

    /// A freshly initialised model for `inputWidth`-wide instance features; same seed, same weights.
    public func makeModel(inputWidth: Int, seed: UInt64) -> MILModel {
        var generator = SeededGenerator(seed: seed)
        let head: any MILPooling
        switch pooling {
        case .mean: head = MeanPooling(inputWidth: inputWidth)
        case .max: head = MaxPooling(inputWidth: inputWidth)
        case .attention: head = AttentionPooling(inputWidth: inputWidth, hiddenWidth: attentionHidden, generator: &generator)
        case .gatedAttention: head = GatedAttentionPooling(inputWidth: inputWidth, hiddenWidth: attentionHidden, generator: &generator)
        case .softmaxMean: head = SoftMaxMeanPooling(inputWidth: inputWidth, hiddenWidth: attentionHidden, generator: &generator)
        case .noisyAnd:
            head = NoisyAndPooling(inputWidth: inputWidth, channels: noisyAndChannels, slope: noisyAndSlope, generator: &generator)
        }
        let bagClassifier: any Layer
        switch classifier {
        case .mlp:
            bagClassifier = MLPBagClassifier(inputWidth: head.outputWidth, hiddenWidth: classifierHidden, dropout: dropout, generator: &generator)
        case .logistic:
            bagClassifier = LogisticBagClassifier(inputWidth: head.outputWidth, generator: &generator)
        }
        return MILModel(pooling: head, classifier: bagClassifier)
    }
}
