import MIL

/// The heads of docs/mnist-bags.md's comparison, by name: `slidemil mnist --head NAME` is
/// shorthand for the `--set` overrides of `settings` (applied before the command line's own
/// `--set`s, which can still change any of them).
public enum MNISTHead: String, CaseIterable, Sendable {
    /// Attention pooling, MLP classifier (the default).
    case attention
    /// Ilse et al.'s gated attention, MLP classifier.
    case gatedAttention = "gated_attention"
    case mean
    case max
    /// The tutorial's SoftMaxMeanSimple pooling, MLP classifier.
    case softmaxMean = "softmax_mean"
    /// Kraus et al.'s Noisy-AND pooling, MLP classifier.
    case noisyAnd = "noisy_and"
    /// The tutorial's NN (Linear-LeakyReLU-Dropout-Linear) on mean-pooled features, with elastic net.
    case nnElasticNet = "nn_elastic_net"
    /// Logistic regression on mean-pooled features, with elastic net.
    case logisticElasticNet = "logistic_elastic_net"

    /// Elastic-net strength λ of the two elastic-net heads (α = 0.5); `ElasticNet` takes the
    /// mean over each weight matrix, so λ is the penalty's weight against the mean BCE.
    public static let elasticNetStrength = "0.1"

    /// The settings that make this head: pooling, classifier and elastic net, all spelled out.
    public var settings: [String] {
        let pooling: PoolingKind, classifier: ClassifierKind, strength: String
        switch self {
        case .attention: (pooling, classifier, strength) = (.attention, .mlp, "0")
        case .gatedAttention: (pooling, classifier, strength) = (.gatedAttention, .mlp, "0")
        case .mean: (pooling, classifier, strength) = (.mean, .mlp, "0")
        case .max: (pooling, classifier, strength) = (.max, .mlp, "0")
        case .softmaxMean: (pooling, classifier, strength) = (.softmaxMean, .mlp, "0")
        case .noisyAnd: (pooling, classifier, strength) = (.noisyAnd, .mlp, "0")
        case .nnElasticNet: (pooling, classifier, strength) = (.mean, .mlp, Self.elasticNetStrength)
        case .logisticElasticNet: (pooling, classifier, strength) = (.mean, .logistic, Self.elasticNetStrength)
        }
        return ["model.pooling=\(pooling.rawValue)", "model.classifier=\(classifier.rawValue)",
                "training.elasticNet.strength=\(strength)", "training.elasticNet.l2Fraction=0.5"]
    }
}
