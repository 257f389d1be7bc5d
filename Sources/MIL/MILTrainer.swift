import Foundation
import NN
import Tensor

/// The one MIL training loop: epochs of seeded shuffles (or balanced draws), steps of
/// `options.batchSize` bags, one optimiser step each (with `options`' optimiser and elastic net),
/// divergence checks, and early stopping on the validation loss with the best epoch's weights
/// restored. What is learnt is the `objective`'s (binary BCE, multi-class cross-entropy,
/// survival); what is trained is any `MILNetwork` (`MILModel`, or a `BagHead` of `MILHeads`).
///
/// Within a step, an objective of `LossScope.bag` runs one bag at a time as a [1, n, D] batch,
/// so memory is O(n·D) for a bag of n instances and nothing is padded; the gradients of the
/// step's bags accumulate weighted by the objective's weights (normalised by the step's total),
/// which equals a padded batch of the step's bags without its O(B·Nmax·D) tensor. An objective of
/// `LossScope.step` (Cox) sees the step's bags together as one padded batch. Bags are fetched
/// from the collection one at a time, so a streaming collection keeps one bag in memory (a step,
/// for a step-wide loss). The network fits what it learns without gradients first
/// (`MILNetwork.prepareForTraining`). With `instanceLoss.weight` > 0 the network adds CLAM's
/// instance-clustering term. Shuffling and dropout are seeded: the same inputs and options give
/// the same model. `options.validationFraction` is ignored: callers pass the validation bags.
public struct MILTrainer<Target, Measures: Codable & Equatable & Sendable> {
    /// What is learnt: the loss, the bag weights, the validation loss and measures.
    public var objective: any MILObjective<Target, Measures>
    public var options: MILTrainingOptions
    /// Early stopping never ends training before this epoch (CLAM's `stop_epoch`); the best
    /// epoch is still restored.
    public var minimumEpochs: Int
    /// How each epoch draws its bags (balanced draws use the objective's strata).
    public var sampling: BagSampling
    /// CLAM's instance-clustering term (off by default).
    public var instanceLoss: InstanceLossOptions

    /// A trainer; `minimumEpochs` 0 lets early stopping end training at any epoch.
    /// - Precondition: the instance loss weight is in [0, 1); a loss over a step's bags gets at
    ///   least two bags per step.
    public init(objective: some MILObjective<Target, Measures>, options: MILTrainingOptions, minimumEpochs: Int = 0,
                sampling: BagSampling = .shuffle, instanceLoss: InstanceLossOptions = InstanceLossOptions()) {
        precondition(instanceLoss.weight >= 0 && instanceLoss.weight < 1, "instance loss weight must be in [0, 1)")
        precondition(objective.scope == .bag || options.batchSize >= 2, "a loss over the bags of a step needs at least two bags per step")
        self.objective = objective
        self.options = options
        self.minimumEpochs = minimumEpochs
        self.sampling = sampling
        self.instanceLoss = instanceLoss
    }

    /// Trains `network` in place on the bags of `bags` at `training`, early-stopping on those at
    /// `validation`, and returns the per-epoch history.
    /// - Parameter onEpoch: called after each epoch (progress output).
    /// - Throws: `TrainingDivergedError` as soon as a loss, a gradient or a weight is NaN or
    ///   infinite (the network is then unusable); `BagBatchError` for an empty or malformed bag;
    ///   whatever the collection throws reading a bag.
    public func train(_ network: some MILNetwork, on bags: some BagCollection<Target>, training: [Int], validation: [Int],
                      onEpoch: (MILEpochRecord<Measures>) -> Void = { _ in }) throws -> [MILEpochRecord<Measures>] {
        precondition(!training.isEmpty, "no bags to train on")
        try network.prepareForTraining(on: bags, indices: training)
        let targets = bags.targets
        let strata = targets.map(objective.stratum(of:))
        let parameters = network.parameters
        var generator = SeededGenerator(seed: options.seed)
        let optimizer = options.makeOptimizer(for: parameters)
        let stepSize = max(1, options.batchSize)
        var history: [MILEpochRecord<Measures>] = []
        var stopping = EarlyStopping(patience: options.patience, minimumEpochs: minimumEpochs)
        for epoch in 1...max(1, options.epochs) {
            let order = sampling.epoch(training, strata: strata, using: &generator)
            var totals = (weightedLoss: 0.0, weight: 0.0)
            for start in stride(from: 0, to: order.count, by: stepSize) {
                try trainStep(order[start..<min(start + stepSize, order.count)], of: network, on: bags, targets: targets,
                              optimizer: optimizer, epoch: epoch, totals: &totals)
            }
            var record = MILEpochRecord<Measures>(epoch: epoch, trainingLoss: Float(totals.weightedLoss / totals.weight),
                                                  validationLoss: nil, validation: nil)
            if !validation.isEmpty {
                let outputs = try self.outputs(network, on: bags, indices: validation)
                let loss = objective.validationLoss(logits: outputs.logits, targets: outputs.targets)
                try FiniteTrainingCheck.requireFinite(loss: loss, what: "the validation loss", epoch: epoch)
                record = MILEpochRecord(epoch: epoch, trainingLoss: record.trainingLoss, validationLoss: loss,
                                        validation: objective.measures(logits: outputs.logits, targets: outputs.targets))
                stopping.record(validationLoss: loss, parameters: parameters)
            }
            history.append(record)
            onEpoch(record)
            if stopping.shouldStop(after: epoch) { break }
        }
        stopping.restoreBest(into: parameters)
        return history
    }

    /// One optimiser step over the bags at `step`: each loss group's forward and backward pass
    /// (gradients weighted by the group's share of the step), the elastic net, the divergence
    /// checks and the update. Adds each group's loss · weight and weight to the epoch's `totals`.
    private func trainStep(_ step: ArraySlice<Int>, of network: some MILNetwork, on bags: some BagCollection<Target>, targets: [Target],
                           optimizer: any Optimizer, epoch: Int, totals: inout (weightedLoss: Double, weight: Double)) throws {
        let stepWeight = step.reduce(Float(0)) { $0 + objective.weight(of: targets[$1]) }
        optimizer.zeroGradients()
        for group in groups(of: step) {
            let groupTargets = group.map { targets[$0] }
            let groupWeight = groupTargets.reduce(Float(0)) { $0 + objective.weight(of: $1) }
            let batch = try BagBatch(bags: group.map { try bags.bag($0) })
            let taskLoss = { (logits: Tensor) -> LossValue in
                precondition(logits.shape == [group.count, objective.outputCount],
                             "the network gives logits \(logits.shape) for \(group.count) bags, the task needs \(objective.outputCount) per bag")
                return objective.loss(logits: logits, targets: groupTargets)
            }
            let loss = network.trainingPass(batch, loss: taskLoss, instanceTerm: instanceTerm(groupTargets),
                                            share: GradientShare(groupWeight: groupWeight, stepWeight: stepWeight))
            try FiniteTrainingCheck.requireFinite(loss: loss, epoch: epoch)
            totals.weightedLoss += Double(loss * groupWeight)
            totals.weight += Double(groupWeight)
        }
        options.elasticNet.apply(to: optimizer.parameters)
        try FiniteTrainingCheck.requireFiniteGradients(network.namedParameters, epoch: epoch)
        optimizer.step()
        try FiniteTrainingCheck.requireFiniteWeights(network.namedParameters, epoch: epoch)
    }

    /// The network's logits and instance weights on the bags at `indices`, in that order, each
    /// bag run alone in inference mode.
    public func outputs(_ network: some MILNetwork, on bags: some BagCollection<Target>, indices: [Int]) throws -> BagOutputs<Target> {
        let targets = bags.targets
        var logits = [Float](), weights: [[[Float]]] = []
        logits.reserveCapacity(indices.count * objective.outputCount)
        for index in indices {
            let batch = try BagBatch(bags: [bags.bag(index)])
            let output = network.inferenceOutputs(batch)
            precondition(output.logits.count == objective.outputCount, "the network gives \(output.logits.count) logits, the task needs \(objective.outputCount)")
            logits += output.logits.storage
            let branches = output.instanceWeights.shape[1], n = batch.maxInstances
            weights.append((0..<branches).map { k in Array(output.instanceWeights.storage[(k * n)..<((k + 1) * n)]) })
        }
        return BagOutputs(logits: Tensor(shape: [indices.count, objective.outputCount], storage: logits),
                          instanceWeights: weights, targets: indices.map { targets[$0] })
    }

    /// The groups one loss sees: each bag alone, or the whole step.
    private func groups(of step: ArraySlice<Int>) -> [[Int]] {
        switch objective.scope {
        case .bag: return step.map { [$0] }
        case .step: return [Array(step)]
        }
    }

    private func instanceTerm(_ targets: [Target]) -> InstanceTerm? {
        guard instanceLoss.weight > 0 else { return nil }
        let classes = targets.map { target -> Int in
            guard let c = objective.instanceClass(of: target) else { preconditionFailure("the instance loss needs class targets") }
            return c
        }
        return InstanceTerm(weight: instanceLoss.weight, topK: instanceLoss.topK, classes: classes)
    }
}

/// A network's inference outputs on bags, in bag order.
public struct BagOutputs<Target> {
    /// [N, C] logits.
    public let logits: Tensor
    /// Each bag's instance weights [branches][instances], in the bag's instance order.
    public let instanceWeights: [[[Float]]]
    /// The bags' targets.
    public let targets: [Target]
}

extension MILTrainer where Target == Bool {
    /// The validation loss (unweighted mean BCE for `BinaryObjective`), probabilities and
    /// instance weights of the bags at `indices` (all bags when nil), one bag at a time.
    public func evaluate(_ network: some MILNetwork, on bags: some BagCollection<Bool>, indices: [Int]? = nil) throws -> MILEvaluation {
        let outputs = try outputs(network, on: bags, indices: indices ?? Array(0..<bags.count))
        let predictions = outputs.targets.indices.map { b in
            BagPrediction(probability: Sigmoid.logistic(outputs.logits.storage[b]), label: outputs.targets[b],
                          instanceWeights: outputs.instanceWeights[b][0])
        }
        return MILEvaluation(loss: objective.validationLoss(logits: outputs.logits, targets: outputs.targets), predictions: predictions)
    }
}
