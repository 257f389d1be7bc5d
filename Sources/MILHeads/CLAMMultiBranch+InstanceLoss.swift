import MIL
import NN
import Tensor

extension CLAMMultiBranch {
    /// CLAM-MB's instance-level clustering loss for the bags of the last training-mode forward.
    ///
    /// For a bag of class y, the k instances with the highest attention of branch y are
    /// pseudo-labelled 1 and the k with the lowest 0, and `instance_classifiers.<y>` (two logits)
    /// is trained on them with cross-entropy ("in the class"). With `subtyping`, every other
    /// class c also takes the top k of its own branch as negatives for its classifier ("out of
    /// the class"), and the bag's loss is divided by C, as CLAM does for mutually exclusive
    /// subtypes. k is capped at the bag's real instance count (as torchmil does). Selection uses
    /// the attention but is not differentiated; the gradient flows into the instance classifiers
    /// and, through the selected embeddings, into the shared embedding.
    /// - Parameters: `labels` B classes; `k` instances per pseudo-label (CLAM: 8);
    ///   `gradientScale` multiplies every gradient (the term's weight in the total loss).
    /// - Returns: the mean over bags (unscaled) and dLoss/dEmbeddings [B·Nmax, E], scaled, to pass
    ///   to `backward(_:embeddingGradient:)`; instance-classifier gradients, scaled, are
    ///   accumulated here.
    public func instanceLoss(labels: [Int], k: Int, subtyping: Bool, gradientScale: Float = 1) -> (value: Float, embeddingGradient: Tensor) {
        guard let state = trainingState else { preconditionFailure("instanceLoss needs a training-mode forward") }
        let e = embeddingWidth
        let bags = labels.count, n = state.mask.count / max(bags, 1)
        precondition(bags * n == state.mask.count, "one label per bag of the last forward")
        precondition(labels.allSatisfy { (0..<classCount).contains($0) }, "labels must be classes in 0..<\(classCount), got \(labels)")
        var gradient = Tensor(shape: state.embedded.shape)
        var total: Float = 0
        for b in 0..<bags {
            let real = (0..<n).filter { state.mask[b * n + $0] }
            let count = min(k, real.count)
            let evaluated = subtyping ? Array(0..<classCount) : [labels[b]]
            let scale: Float = (subtyping ? 1 / Float(classCount) : 1) / Float(bags)
            for c in evaluated {
                let attention = real.map { state.weights[c].storage[b * n + $0] }
                let order = attention.indices.sorted { attention[$0] != attention[$1] ? attention[$0] > attention[$1] : $0 < $1 }
                let top = order.prefix(count).map { real[$0] }
                var rows = top, targets = [Int](repeating: c == labels[b] ? 1 : 0, count: count)
                if c == labels[b] {
                    rows += order.reversed().prefix(count).map { real[$0] }
                    targets += [Int](repeating: 0, count: count)
                }
                var features = [Float](); features.reserveCapacity(rows.count * e)
                for row in rows { features += state.embedded.storage[((b * n + row) * e)..<((b * n + row + 1) * e)] }
                let classifier = instanceClassifiers[c]
                let logits = classifier.forward(Tensor(shape: [rows.count, e], storage: features), mode: .training)
                let loss = CrossEntropy.loss(logits: logits, classes: targets)
                total += loss.value * scale * Float(bags)
                let rowGradient = classifier.backward(loss.gradient * (scale * gradientScale))
                for (position, row) in rows.enumerated() {
                    for j in 0..<e { gradient.storage[(b * n + row) * e + j] += rowGradient.storage[position * e + j] }
                }
            }
        }
        return (total / Float(bags), gradient)
    }
}

extension CLAMMultiBranch {
    /// CLAM-MB's training loss: (1 − w)·task loss + w·`instanceLoss` with subtyping (CLAM's
    /// setting for mutually exclusive classes) when `MILTrainer` asks for the instance term of
    /// weight w; the task loss alone otherwise.
    public func trainingPass(_ batch: BagBatch, loss: (Tensor) -> LossValue, instanceTerm: InstanceTerm?, share: GradientShare) -> Float {
        let taskLoss = loss(forward(batch, mode: .training).logits)
        guard let instanceTerm else {
            _ = backward(share.scale(taskLoss.gradient, by: 1))
            return taskLoss.value
        }
        let clustering = instanceLoss(labels: instanceTerm.classes, k: instanceTerm.topK, subtyping: true,
                                      gradientScale: share.scale(instanceTerm.weight))
        _ = backward(share.scale(taskLoss.gradient, by: instanceTerm.taskShare), embeddingGradient: clustering.embeddingGradient)
        return instanceTerm.taskShare * taskLoss.value + instanceTerm.weight * clustering.value
    }
}
