import NN
import Tensor

/// CLAM-SB's instance-level clustering: an auxiliary loss that makes the most and least attended
/// instances of a bag separable.
///
/// For a bag of class c, the k instances with the highest attention are pseudo-labelled 1 and the
/// k with the lowest 0, and the instance classifier of class c (a Linear(E, 1) on the instance
/// embeddings) is trained on them with mean BCE. As in CLAM's single-branch binary setting
/// (no subtyping), only the classifier of the bag's own class sees that bag. k is capped at
/// ⌊n/2⌋ so the two sets never overlap; a single-instance bag adds no loss. The gradient flows
/// into the classifier and, through the selected embeddings, into the shared `InstanceEmbedding`;
/// not through the selection itself. CLAM uses k = 8 and a smooth top-1 SVM or cross-entropy;
/// this is the cross-entropy form with one logit per class instead of two.
/// Parameters `negative.*` and `positive.*` (`weight` [1, E], `bias` [1]).
public final class InstanceClustering {
    public let negative: Linear
    public let positive: Linear

    /// Instance classifiers for `embeddingWidth`-wide instance embeddings.
    public init(embeddingWidth: Int, generator: inout SeededGenerator) {
        negative = Linear(inputFeatures: embeddingWidth, outputFeatures: 1, generator: &generator)
        positive = Linear(inputFeatures: embeddingWidth, outputFeatures: 1, generator: &generator)
    }

    public var namedParameters: [(name: String, parameter: Parameter)] {
        prefixed("negative", negative.namedParameters) + prefixed("positive", positive.namedParameters)
    }

    /// The indices of the `k` largest and the `k` smallest weights (k capped at ⌊n/2⌋); ties broken by index.
    public static func extremes(of weights: [Float], k: Int) -> (top: [Int], bottom: [Int]) {
        let count = min(k, weights.count / 2)
        guard count > 0 else { return ([], []) }
        let order = weights.indices.sorted { weights[$0] != weights[$1] ? weights[$0] > weights[$1] : $0 < $1 }
        return (Array(order.prefix(count)), Array(order.suffix(count).reversed()))
    }

    /// The clustering loss of one bag and its gradient.
    /// - Parameters:
    ///   - embeddings: [n, E] instance embeddings of the bag's real instances.
    ///   - attention: the n attention weights, in the same order.
    ///   - bagIsPositive: the bag's label, which picks the classifier.
    ///   - k: instances per pseudo-label.
    ///   - gradientScale: factor applied to the returned and accumulated gradients (loss weight
    ///     and class weight); the returned loss is unscaled.
    /// - Returns: the mean BCE (0 for a bag of one instance) and dLoss/dEmbeddings [n, E] scaled.
    public func loss(embeddings: Tensor, attention: [Float], bagIsPositive: Bool, k: Int,
                     gradientScale: Float) -> (value: Float, embeddingGradient: Tensor) {
        precondition(embeddings.rank == 2 && embeddings.shape[0] == attention.count, "one attention weight per embedding row")
        let width = embeddings.shape[1]
        var embeddingGradient = Tensor(shape: embeddings.shape)
        let (top, bottom) = Self.extremes(of: attention, k: k)
        guard !top.isEmpty else { return (0, embeddingGradient) }
        let selected = top + bottom
        var rows = [Float](); rows.reserveCapacity(selected.count * width)
        for index in selected { rows += embeddings.storage[(index * width)..<((index + 1) * width)] }
        let classifier = bagIsPositive ? positive : negative
        let logits = classifier.forward(Tensor(shape: [selected.count, width], storage: rows), mode: .training)
        let targets = Tensor(shape: [selected.count, 1], storage: top.map { _ in Float(1) } + bottom.map { _ in Float(0) })
        let loss = BinaryCrossEntropyWithLogits.loss(logits: logits, targets: targets)
        let rowGradient = classifier.backward(loss.gradient * gradientScale)
        for (position, index) in selected.enumerated() {
            for j in 0..<width { embeddingGradient.storage[index * width + j] += rowGradient.storage[position * width + j] }
        }
        return (loss.value, embeddingGradient)
    }
}
