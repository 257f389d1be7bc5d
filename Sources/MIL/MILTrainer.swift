import Foundation
import NN
import Tensor

/// Trains a `MILModel` on labelled bags with mini-batches, a validation split and early stopping.
///
/// Shuffling, the validation split and dropout are seeded, so a run is reproducible. With a
/// validation split the weights of the epoch with the lowest validation loss are restored at the
/// end. Reused by slide-level training: it only sees feature matrices and labels.
public struct MILTrainer {
    public var options: MILTrainingOptions

    /// A trainer with these settings.
    public init(options: MILTrainingOptions) { self.options = options }

    /// Trains `model` in place and returns the per-epoch history.
    /// - Parameter onEpoch: called after each epoch (for progress output).
    /// - Throws: `TrainingDivergedError` as soon as the loss, a gradient or a weight is NaN or
    ///   infinite (the model is then unusable), `BagBatchError` for a malformed bag.
    public func train(_ model: MILModel, on bags: LabelledBags, onEpoch: (MILEpochRecord) -> Void = { _ in }) throws -> [MILEpochRecord] {
        precondition(bags.count > 0, "no bags to train on")
        var generator = SeededGenerator(seed: options.seed)
        let order = Array(0..<bags.count).shuffled(using: &generator)
        let validationCount = min(bags.count - 1, Int((Double(bags.count) * options.validationFraction).rounded()))
        let validation = bags.subset(Array(order.prefix(validationCount)))
        let training = bags.subset(Array(order.dropFirst(validationCount)))
        try model.fitStandardization(on: training, indices: Array(0..<training.count))

        let optimizer = options.makeOptimizer(for: model.parameters)

        var history: [MILEpochRecord] = []
        var stopping = EarlyStopping(patience: options.patience)
        for epoch in 1...max(1, options.epochs) {
            let shuffled = Array(0..<training.count).shuffled(using: &generator)
            var lossTotal: Double = 0
            for start in stride(from: 0, to: shuffled.count, by: options.batchSize) {
                let batchBags = training.subset(Array(shuffled[start..<min(start + options.batchSize, shuffled.count)]))
                let batch = try BagBatch(bags: batchBags.features)
                optimizer.zeroGradients()
                let logits = model.forward(batch, mode: .training).logits
                let loss = BinaryCrossEntropyWithLogits.loss(logits: logits, targets: Self.targets(batchBags.labels))
                try FiniteTrainingCheck.requireFinite(loss: loss.value, epoch: epoch)
                model.backward(loss.gradient)
                options.elasticNet.apply(to: model.parameters)
                try FiniteTrainingCheck.requireFiniteGradients(model, epoch: epoch)
                optimizer.step()
                try FiniteTrainingCheck.requireFiniteWeights(model, epoch: epoch)
                lossTotal += Double(loss.value) * Double(batchBags.count)
            }
            var record = MILEpochRecord(epoch: epoch, trainingLoss: Float(lossTotal / Double(training.count)), validationLoss: nil, validationAccuracy: nil)
            if validation.count > 0 {
                let evaluation = try evaluate(model, on: validation)
                try FiniteTrainingCheck.requireFinite(loss: evaluation.loss, what: "the validation loss", epoch: epoch)
                record = MILEpochRecord(epoch: epoch, trainingLoss: record.trainingLoss, validationLoss: evaluation.loss,
                                        validationAccuracy: evaluation.confusion.accuracy)
                stopping.record(validationLoss: evaluation.loss, parameters: model.parameters)
            }
            history.append(record)
            onEpoch(record)
            if stopping.shouldStop(after: epoch) { break }
        }
        stopping.restoreBest(into: model.parameters)
        return history
    }

    /// Mean BCE, confusion matrix at 0.5 and per-bag predictions in inference mode.
    public func evaluate(_ model: MILModel, on bags: LabelledBags) throws -> MILEvaluation {
        var predictions: [BagPrediction] = []
        var lossTotal: Double = 0
        for start in stride(from: 0, to: bags.count, by: max(1, options.batchSize)) {
            let part = bags.subset(Array(start..<min(start + max(1, options.batchSize), bags.count)))
            let batch = try BagBatch(bags: part.features)
            let (logits, weights) = model.forward(batch, mode: .inference)
            lossTotal += Double(BinaryCrossEntropyWithLogits.loss(logits: logits, targets: Self.targets(part.labels)).value) * Double(part.count)
            for b in 0..<part.count {
                predictions.append(BagPrediction(probability: Sigmoid.logistic(logits.storage[b]), label: part.labels[b],
                                                 instanceWeights: batch.realValues(of: weights, bag: b)))
            }
        }
        return MILEvaluation(loss: Float(lossTotal / Double(max(1, bags.count))), predictions: predictions)
    }

    private static func targets(_ labels: [Bool]) -> Tensor {
        Tensor(shape: [labels.count], storage: labels.map { $0 ? 1 : 0 })
    }
}
