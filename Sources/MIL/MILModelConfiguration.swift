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
    /// Dropout probability inside the MLP classifier and after the instance embedding (default 0.25).
    public var dropout: Float
    /// Z-score every feature dimension with statistics of the training instances (`FeatureStandardization`).
    public var standardizeFeatures: Bool
    /// Width E of a shared Linear-ReLU-Dropout instance embedding before pooling (CLAM's 512);
    /// 0 = pool the features as they are.
    public var embeddingWidth: Int
    /// Add CLAM-style instance classifiers (`InstanceClustering`) on the embeddings; needs an
    /// embedding and an attention pooling.
    public var instanceClassifiers: Bool

    /// Defaults: attention pooling, MLP classifier (1024 hidden, dropout 0.25), H = 128, Noisy-AND K = 32, a = 10;
    /// no standardisation, embedding or instance classifiers.
    public init(pooling: PoolingKind = .attention, classifier: ClassifierKind = .mlp, attentionHidden: Int = 128,
                noisyAndChannels: Int = 32, noisyAndSlope: Float = 10, classifierHidden: Int = 1024, dropout: Float = 0.25,
                standardizeFeatures: Bool = false, embeddingWidth: Int = 0, instanceClassifiers: Bool = false) {
        self.pooling = pooling
        self.classifier = classifier
        self.attentionHidden = attentionHidden
        self.noisyAndChannels = noisyAndChannels
        self.noisyAndSlope = noisyAndSlope
        self.classifierHidden = classifierHidden
        self.dropout = dropout
        self.standardizeFeatures = standardizeFeatures
        self.embeddingWidth = embeddingWidth
        self.instanceClassifiers = instanceClassifiers
    }

    private enum CodingKeys: String, CodingKey {
        case pooling, classifier, attentionHidden, noisyAndChannels, noisyAndSlope, classifierHidden, dropout
        case standardizeFeatures, embeddingWidth, instanceClassifiers
    }

    /// Decodes a configuration; the keys added after the first release (`standardizeFeatures`,
    /// `embeddingWidth`, `instanceClassifiers`) default to off, so older model files still load.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        pooling = try container.decode(PoolingKind.self, forKey: .pooling)
        classifier = try container.decode(ClassifierKind.self, forKey: .classifier)
        attentionHidden = try container.decode(Int.self, forKey: .attentionHidden)
        noisyAndChannels = try container.decode(Int.self, forKey: .noisyAndChannels)
        noisyAndSlope = try container.decode(Float.self, forKey: .noisyAndSlope)
        classifierHidden = try container.decode(Int.self, forKey: .classifierHidden)
        dropout = try container.decode(Float.self, forKey: .dropout)
        standardizeFeatures = try container.decodeIfPresent(Bool.self, forKey: .standardizeFeatures) ?? false
        embeddingWidth = try container.decodeIfPresent(Int.self, forKey: .embeddingWidth) ?? 0
        instanceClassifiers = try container.decodeIfPresent(Bool.self, forKey: .instanceClassifiers) ?? false
    }

    /// Why this configuration cannot be built, or nil when it can.
    public var problem: String? {
        if embeddingWidth < 0 { return "model.embeddingWidth must be 0 (none) or positive, got \(embeddingWidth)" }
        if instanceClassifiers && embeddingWidth == 0 {
            return "model.instanceClassifiers needs an instance embedding: set model.embeddingWidth (CLAM uses 512)"
        }
        if instanceClassifiers && pooling != .attention && pooling != .gatedAttention {
            return "model.instanceClassifiers needs attention or gated_attention pooling, got \(pooling.rawValue)"
        }
        return nil
    }

    /// A freshly initialised model for `inputWidth`-wide instance features; same seed, same weights.
    /// - Precondition: `problem` is nil.
    public func makeModel(inputWidth featureWidth: Int, seed: UInt64) -> MILModel {
        precondition(problem == nil, problem ?? "")
        var generator = SeededGenerator(seed: seed)
        let embedding = embeddingWidth > 0
            ? InstanceEmbedding(inputWidth: featureWidth, outputWidth: embeddingWidth, dropout: dropout, generator: &generator) : nil
        let inputWidth = embedding?.outputWidth ?? featureWidth
        let head = makePooling(inputWidth: inputWidth, generator: &generator)
        let bagClassifier: any Layer
        switch classifier {
        case .mlp:
            bagClassifier = MLPBagClassifier(inputWidth: head.outputWidth, hiddenWidth: classifierHidden, dropout: dropout, generator: &generator)
        case .logistic:
            bagClassifier = LogisticBagClassifier(inputWidth: head.outputWidth, generator: &generator)
        }
        let clustering = instanceClassifiers ? InstanceClustering(embeddingWidth: inputWidth, generator: &generator) : nil
        return MILModel(standardization: standardizeFeatures ? FeatureStandardization(width: featureWidth) : nil, embedding: embedding,
                        pooling: head, classifier: bagClassifier, instanceClustering: clustering)
    }

    /// The pooling head `pooling` names, over `inputWidth`-wide instances, with weights drawn
    /// from `generator` (also what multi-class heads put in front of their classifier).
    public func makePooling(inputWidth: Int, generator: inout SeededGenerator) -> any MILPooling {
        switch pooling {
        case .mean: return MeanPooling(inputWidth: inputWidth)
        case .max: return MaxPooling(inputWidth: inputWidth)
        case .attention: return AttentionPooling(inputWidth: inputWidth, hiddenWidth: attentionHidden, generator: &generator)
        case .gatedAttention: return GatedAttentionPooling(inputWidth: inputWidth, hiddenWidth: attentionHidden, generator: &generator)
        case .softmaxMean: return SoftMaxMeanPooling(inputWidth: inputWidth, hiddenWidth: attentionHidden, generator: &generator)
        case .noisyAnd: return NoisyAndPooling(inputWidth: inputWidth, channels: noisyAndChannels, slope: noisyAndSlope, generator: &generator)
        }
    }
}
