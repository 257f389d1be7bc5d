import Foundation
import NN
import Tensor

/// One epoch of `BagwiseTrainer`: training loss and, with validation bags, validation measures.
public struct BagwiseEpochRecord: Codable, Equatable, Sendable {
    public let epoch: Int
    /// Class-weighted mean loss over the epoch's training bags: BCE, plus the instance-clustering
    /// term when enabled (without the elastic-net term).
    public let trainingLoss: Float
    /// Unweighted mean BCE over the validation bags; nil without validation bags.
    public let validationLoss: Float?
    /// ROC AUC on the validation bags; nil without validation bags or with one class only.
    public let validationAUC: Double?
    /// Accuracy at threshold 0.5 on the validation bags.
    public let validationAccuracy: Double?
}

/// Trains a `MILModel` one bag at a time, for bags too large to pad into one batch.
///
/// Each forward and backward pass sees a single bag as a [1, n, D] batch, so memory is O(n·D)
/// for a bag of n instances and nothing is padded; gradients of `options.batchSize` bags are
/// accumulated (weighted by class) before each optimiser step, which equals a padded batch of
/// that size without its O(B·Nmax·D) tensor. The loss is BCE on the logit with per-class
/// weights (normalised by the step's total weight), so unbalanced labels can count equally.
/// Early stopping watches the validation loss; the weights of the best epoch are restored.
/// A model with `FeatureStandardization` has it fitted on the training bags first. With
/// `instanceLoss.weight` > 0 the model's instance classifiers add CLAM's clustering loss.
/// Shuffling and dropout are seeded: the same inputs and options give the same model.
/// `options.validationFraction` is ignored: callers pass explicit validation bags.
public struct BagwiseTrainer {
    public var options: MILTrainingOptions
    /// Loss weight of a negative bag.
    public var negativeWeight: Float
    /// Loss weight of a positive bag.
    public var positiveWeight: Float
    /// Early stopping never ends training before this epoch (CLAM's `stop_epoch`); the best
    /// epoch is still restored.
    public var minimumEpochs: Int
    /// How each epoch draws its bags.
    public var sampling: BagSampling
    /// The instance-clustering term (off by default).
    public var instanceLoss: InstanceLossOptions

    /// A trainer; weights of 1 give the plain mean BCE; `minimumEpochs` 0 lets early stopping
    /// end training at any epoch.
    public init(options: MILTrainingOptions, negativeWeight: Float = 1, positiveWeight: Float = 1, minimumEpochs: Int = 0,
                sampling: BagSampling = .shuffle, instanceLoss: InstanceLossOptions = InstanceLossOptions()) {
        precondition(negativeWeight > 0 && positiveWeight > 0, "class weights must be positive")
        precondition(instanceLoss.weight >= 0 && instanceLoss.weight < 1, "instance loss weight must be in [0, 1)")
        self.options = options
        self.negativeWeight = negativeWeight
        self.positiveWeight = positiveWeight
        self.minimumEpochs = minimumEpochs
        self.sampling = sampling
        self.instanceLoss = instanceLoss
    }

    /// Weights n / (2·n_class), which make both classes contribute equally to the loss (as
    /// scikit-learn's `class_weight="balanced"`); (1, 1) when a class is absent.
    public static func balancedWeights(labels: [Bool]) -> (negative: Float, positive: Float) {
        let positives = labels.filter { $0 }.count, negatives = labels.count - positives
        guard positives > 0, negatives > 0 else { return (1, 1) }
        let total = Float(labels.count)
        return (total / (2 * Float(negatives)), total / (2 * Float(positives)))
    }

    /// Trains `model` in place and returns the per-epoch history.
    /// - Parameter onEpoch: called after each epoch (progress output).
    /// - Throws: `TrainingDivergedError` as soon as the loss, a gradient or a weight is NaN or
    ///   infinite (the model is then unusable); `BagBatchError` for an empty or malformed bag.
    public func train(_ model: MILModel, training: LabelledBags, validation: LabelledBags,
                      onEpoch: (BagwiseEpochRecord) -> Void = { _ in }) throws -> [BagwiseEpochRecord] {
        let all = LabelledBags(features: training.features + validation.features, labels: training.labels + validation.labels)
        return try train(model, on: all, training: Array(0..<training.count),
                         validation: Array(training.count..<all.count), onEpoch: onEpoch)
    }

    /// Trains `model` in place on the bags of `bags` at `training`, early-stopping on those at
    /// `validation`; bags are fetched one at a time, so a streaming collection keeps one bag in memory.
    public func train(_ model: MILModel, on bags: some BagCollection, training: [Int], validation: [Int],
                      onEpoch: (BagwiseEpochRecord) -> Void = { _ in }) throws -> [BagwiseEpochRecord] {
        precondition(!training.isEmpty, "no bags to train on")
        precondition(instanceLoss.weight == 0 || model.instanceClustering != nil, "instance loss needs a model with instance classifiers")
        try model.fitStandardization(on: bags, indices: training)
        var generator = SeededGenerator(seed: options.seed)
        let optimizer = options.makeOptimizer(for: model.parameters)
        let stepSize = max(1, options.batchSize)
        var history: [BagwiseEpochRecord] = []
        var stopping = EarlyStopping(patience: options.patience, minimumEpochs: minimumEpochs)
        for epoch in 1...max(1, options.epochs) {
            let order = sampling.epoch(training, labels: bags.labels, using: &generator)
            var weightedLoss = 0.0, totalWeight = 0.0
            for start in stride(from: 0, to: order.count, by: stepSize) {
                let step = order[start..<min(start + stepSize, order.count)]
                let stepWeight = step.reduce(Float(0)) { $0 + weight(bags.labels[$1]) }
                optimizer.zeroGradients()
                for index in step {
                    let batch = try BagBatch(bags: [bags.bag(index)])
                    let (logits, instanceWeights) = model.forward(batch, mode: .training)
                    let target: Float = bags.labels[index] ? 1 : 0
                    let loss = BinaryCrossEntropyWithLogits.loss(logits: logits, targets: Tensor(shape: [1], storage: [target]))
                    let w = weight(bags.labels[index])
                    let bagShare = 1 - instanceLoss.weight
                    var instanceGradient: Tensor?
                    var total = loss.value * bagShare
                    if instanceLoss.weight > 0 {
                        let clustering = model.instanceClusteringLoss(labels: [bags.labels[index]], instanceWeights: instanceWeights,
                                                                      k: instanceLoss.topK, gradientScale: instanceLoss.weight * w / stepWeight)
                        instanceGradient = clustering.pooledInputGradient
                        total += clustering.value * instanceLoss.weight
                    }
                    model.backward(Tensor(shape: [1], storage: [loss.gradient.storage[0] * bagShare * w / stepWeight]),
                                   pooledInputGradient: instanceGradient)
                    try FiniteTrainingCheck.requireFinite(loss: total, epoch: epoch)
                    weightedLoss += Double(total * w)
                    totalWeight += Double(w)
                }
                options.elasticNet.apply(to: model.parameters)
                try FiniteTrainingCheck.requireFiniteGradients(model, epoch: epoch)
                optimizer.step()
                try FiniteTrainingCheck.requireFiniteWeights(model, epoch: epoch)
            }
            var record = BagwiseEpochRecord(epoch: epoch, trainingLoss: Float(weightedLoss / totalWeight),
                                            validationLoss: nil, validationAUC: nil, validationAccuracy: nil)
            if !validation.isEmpty {
                let evaluation = try evaluate(model, on: bags, indices: validation)
                try FiniteTrainingCheck.requireFinite(loss: evaluation.loss, what: "the validation loss", epoch: epoch)
                record = BagwiseEpochRecord(epoch: epoch, trainingLoss: record.trainingLoss, validationLoss: evaluation.loss,
                                            validationAUC: evaluation.auc, validationAccuracy: evaluation.confusion.accuracy)
                stopping.record(validationLoss: evaluation.loss, parameters: model.parameters)
            }
            history.append(record)
            onEpoch(record)
            if stopping.shouldStop(after: epoch) { break }
        }
        stopping.restoreBest(into: model.parameters)
        return history
    }

    /// Unweighted mean BCE, predictions and instance weights, one bag at a time in inference mode.
    public func evaluate(_ model: MILModel, on bags: some BagCollection) throws -> MILEvaluation {
        try evaluate(model, on: bags, indices: Array(0..<bags.count))
    }

    /// As `evaluate(_:on:)` over the bags at `indices`, in that order.
    public func evaluate(_ model: MILModel, on bags: some BagCollection, indices: [Int]) throws -> MILEvaluation {
        var predictions: [BagPrediction] = []
        var lossTotal = 0.0
        for index in indices {
            let batch = try BagBatch(bags: [bags.bag(index)])
            let (logits, weights) = model.forward(batch, mode: .inference)
            let target: Float = bags.labels[index] ? 1 : 0
            lossTotal += Double(BinaryCrossEntropyWithLogits.loss(logits: logits, targets: Tensor(shape: [1], storage: [target])).value)
            predictions.append(BagPrediction(probability: Sigmoid.logistic(logits.storage[0]), label: bags.labels[index],
                                             instanceWeights: batch.realValues(of: weights, bag: 0)))
        }
        return MILEvaluation(loss: Float(lossTotal / Double(max(1, indices.count))), predictions: predictions)
    }

    private func weight(_ label: Bool) -> Float { label ? positiveWeight : negativeWeight }
}
