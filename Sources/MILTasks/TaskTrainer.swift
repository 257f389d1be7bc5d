import Foundation
import MIL
import MILHeads
import NN
import Tensor

/// Bags of instance features with one `BagTarget` each (binary, class or survival).
public struct TaskBags: Sendable {
    /// One [n_b, D] feature matrix per bag (n_b ≥ 1).
    public var features: [Tensor]
    /// The targets, parallel to `features`.
    public var targets: [BagTarget]

    /// - Precondition: one target per feature matrix.
    public init(features: [Tensor], targets: [BagTarget]) {
        precondition(features.count == targets.count, "\(features.count) bags but \(targets.count) targets")
        self.features = features
        self.targets = targets
    }

    public var count: Int { targets.count }
}

/// One epoch of `TaskTrainer`.
public struct TaskEpochRecord: Codable, Equatable, Sendable {
    public let epoch: Int
    /// Mean task loss over the epoch's training steps (without the elastic-net term).
    public let trainingLoss: Float
    /// Task loss over all validation bags at once; nil without validation bags.
    public let validationLoss: Float?
    /// `TaskEvaluation.measure` on the validation bags.
    public let validationMeasure: Double?
}

/// A head's outputs on bags, and the task's summary measure.
public struct TaskEvaluation: Sendable {
    /// The task loss over all the bags at once (for Cox, one risk set over them all).
    public let loss: Float
    /// `MILTask.scores` of each bag, in bag order.
    public let scores: [[Double]]
    /// The targets, in bag order.
    public let targets: [BagTarget]
    /// Each bag's instance weights [branches][real instances].
    public let instanceWeights: [[[Float]]]
    /// ROC AUC (binary), macro one-vs-rest AUC (multi-class) or Harrell's c-index (survival);
    /// nil when undefined (one class, no comparable pair).
    public let measure: Double?
}

/// Trains any `BagHead` on any `MILTask`: seeded shuffles (or class-balanced draws), padded mini-batches of
/// `options.batchSize` bags (the task loss is computed over each mini-batch, which the Cox
/// partial likelihood needs for its risk sets), the optimiser and elastic net of `options`,
/// early stopping on the validation loss with the best epoch's weights restored.
/// A `DualStreamMIL` head is trained on the sum of the task loss of its two streams (DSMIL's
/// own loss); the validation loss and scores use its reported logits ½(bag + max).
/// `options.validationFraction` is ignored: callers pass explicit validation bags.
/// The binary `BagwiseTrainer` is unchanged; this trainer serves multi-class and survival heads.
public struct TaskTrainer {
    public var options: MILTrainingOptions
    public var task: MILTask
    /// Early stopping never ends training before this epoch.
    public var minimumEpochs: Int
    /// How each epoch draws its bags: `.shuffle` (each once) or `.balanced` (as many draws as
    /// bags, with replacement, every stratum equally likely; see `strata(of:)`).
    public var sampling: BagSampling

    /// CLAM-MB's instance clustering term, (1 − weight)·task loss + weight·instance loss, for a
    /// multi-class `CLAMMultiBranch` head (off by default; CLAM uses weight 0.3, k = 8).
    public var instanceLoss: InstanceLossOptions
    /// Whether the instance term also trains the other classes' classifiers on the top
    /// instances as negatives (CLAM's `subtyping`, for mutually exclusive classes).
    public var subtyping: Bool

    public init(options: MILTrainingOptions, task: MILTask, minimumEpochs: Int = 0, sampling: BagSampling = .shuffle,
                instanceLoss: InstanceLossOptions = InstanceLossOptions(), subtyping: Bool = true) {
        precondition(instanceLoss.weight >= 0 && instanceLoss.weight < 1, "instance loss weight must be in [0, 1)")
        if case .survival(.cox) = task {
            precondition(options.batchSize >= 2, "the Cox partial likelihood needs at least two bags per step")
        }
        self.options = options
        self.task = task
        self.minimumEpochs = minimumEpochs
        self.sampling = sampling
        self.instanceLoss = instanceLoss
        self.subtyping = subtyping
    }

    /// The stratum of each target for balanced sampling: the label (binary), the class
    /// (multi-class) or the event flag (survival: events and censored bags drawn equally).
    public static func stratum(of target: BagTarget) -> Int {
        switch target {
        case .binary(let label): return label ? 1 : 0
        case .classIndex(let c): return c
        case .survival(let outcome): return outcome.event ? 1 : 0
        }
    }

    /// One epoch's bag order over `indices` (a seeded permutation, or balanced draws).
    public func epochOrder(_ indices: [Int], targets: [BagTarget], using generator: inout SeededGenerator) -> [Int] {
        let groups = Dictionary(grouping: indices) { Self.stratum(of: targets[$0]) }.sorted { $0.key < $1.key }.map(\.value)
        guard sampling == .balanced, groups.count > 1 else { return indices.shuffled(using: &generator) }
        return indices.indices.map { _ in
            let group = groups[Int.random(in: 0..<groups.count, using: &generator)]
            return group[Int.random(in: 0..<group.count, using: &generator)]
        }
    }

    /// Trains `head` in place and returns the per-epoch history.
    /// - Throws: `BagBatchError` for an empty or malformed bag.
    public func train(_ head: any BagHead, training: TaskBags, validation: TaskBags,
                      onEpoch: (TaskEpochRecord) -> Void = { _ in }) throws -> [TaskEpochRecord] {
        precondition(training.count > 0, "no bags to train on")
        precondition(head.classCount == task.outputCount, "the head gives \(head.classCount) logits, the task needs \(task.outputCount)")
        var generator = SeededGenerator(seed: options.seed)
        let optimizer = options.makeOptimizer(for: head.parameters)
        let stepSize = max(1, options.batchSize)
        var stopping = EarlyStopping(patience: options.patience, minimumEpochs: minimumEpochs)
        var history: [TaskEpochRecord] = []
        for epoch in 1...max(1, options.epochs) {
            let order = epochOrder(Array(0..<training.count), targets: training.targets, using: &generator)
            var lossTotal = 0.0, steps = 0
            for start in stride(from: 0, to: order.count, by: stepSize) {
                let step = Array(order[start..<min(start + stepSize, order.count)])
                optimizer.zeroGradients()
                let batch = try BagBatch(bags: step.map { training.features[$0] })
                let logits = head.forward(batch, mode: .training).logits
                let targets = step.map { training.targets[$0] }
                let loss = task.loss(logits: logits, targets: targets)
                var value = loss.value
                if instanceLoss.weight > 0, let clam = head as? CLAMMultiBranch {
                    let classes = targets.map { target -> Int in
                        guard case .classIndex(let c) = target else { preconditionFailure("the instance loss needs class targets") }
                        return c
                    }
                    let clustering = clam.instanceLoss(labels: classes, k: instanceLoss.topK, subtyping: subtyping,
                                                       gradientScale: instanceLoss.weight)
                    _ = clam.backward(loss.gradient * (1 - instanceLoss.weight), embeddingGradient: clustering.embeddingGradient)
                    value = (1 - instanceLoss.weight) * loss.value + instanceLoss.weight * clustering.value
                } else if let dsmil = head as? DualStreamMIL, let streams = dsmil.lastStreams {
                    precondition(instanceLoss.weight == 0, "the instance loss needs a CLAMMultiBranch head")
                    // DSMIL's loss: ℓ(bag stream) + ℓ(max-instance stream), as its paper and torchmil.
                    let bagLoss = task.loss(logits: streams.bag, targets: targets)
                    let maxLoss = task.loss(logits: streams.max, targets: targets)
                    _ = dsmil.backward(bagStream: bagLoss.gradient, maxStream: maxLoss.gradient)
                    value = bagLoss.value + maxLoss.value
                } else {
                    precondition(instanceLoss.weight == 0, "the instance loss needs a CLAMMultiBranch head")
                    _ = head.backward(loss.gradient)
                }
                options.elasticNet.apply(to: head.parameters)
                optimizer.step()
                lossTotal += Double(value)
                steps += 1
            }
            var record = TaskEpochRecord(epoch: epoch, trainingLoss: Float(lossTotal / Double(steps)), validationLoss: nil, validationMeasure: nil)
            if validation.count > 0 {
                let evaluation = try evaluate(head, on: validation)
                record = TaskEpochRecord(epoch: epoch, trainingLoss: record.trainingLoss, validationLoss: evaluation.loss,
                                         validationMeasure: evaluation.measure)
                stopping.record(validationLoss: evaluation.loss, parameters: head.parameters)
            }
            history.append(record)
            onEpoch(record)
            if stopping.shouldStop(after: epoch) { break }
        }
        stopping.restoreBest(into: head.parameters)
        return history
    }

    /// Runs every bag alone in inference mode; the loss is taken over all bags together.
    public func evaluate(_ head: any BagHead, on bags: TaskBags) throws -> TaskEvaluation {
        var logits = Tensor(shape: [bags.count, head.classCount])
        var weights: [[[Float]]] = []
        for index in 0..<bags.count {
            let batch = try BagBatch(bags: [bags.features[index]])
            let output = head.forward(batch, mode: .inference)
            for c in 0..<head.classCount { logits.storage[index * head.classCount + c] = output.logits.storage[c] }
            let branches = output.instanceWeights.shape[1], n = batch.maxInstances
            weights.append((0..<branches).map { k in Array(output.instanceWeights.storage[(k * n)..<((k + 1) * n)]) })
        }
        let scores = task.scores(logits: logits)
        return TaskEvaluation(loss: task.loss(logits: logits, targets: bags.targets).value, scores: scores, targets: bags.targets,
                              instanceWeights: weights, measure: measure(scores: scores, targets: bags.targets))
    }

    private func measure(scores: [[Double]], targets: [BagTarget]) -> Double? {
        switch task {
        case .binary:
            let labels = targets.map { if case .binary(let label) = $0 { return label } else { return false } }
            return BinaryMetrics.rocAUC(scores: scores.map { $0[0] }, labels: labels)
        case .multiclass(let classCount, _):
            let labels = targets.map { if case .classIndex(let c) = $0 { return c } else { return -1 } }
            return MulticlassMetrics.macroAUC(scores: scores, labels: labels, classCount: classCount)
        case .survival:
            let outcomes = targets.compactMap { if case .survival(let outcome) = $0 { return outcome } else { return nil } }
            return ConcordanceIndex.harrell(risks: scores.map { $0[0] }, outcomes: outcomes)
        }
    }
}
