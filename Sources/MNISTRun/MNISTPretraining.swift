import Backbones
import Foundation
import MNISTBags
import NN
import Tensor

/// One pretraining epoch as reported.
public struct MNISTPretrainingEpoch: Codable, Equatable, Sendable {
    public let epoch: Int
    /// Mean cross-entropy over the epoch's batches.
    public let loss: Float
    /// Top-1 accuracy on the held-out MNIST training images.
    public let validationAccuracy: Double
    /// Wall-clock seconds of the epoch (training and validation).
    public let seconds: Double
}

/// Supervised pretraining of the MNIST ResNet and extraction of its avgpool features.
public enum MNISTPretraining {
    /// Trains a fresh `ResNetConfiguration.mnist(baseWidth:)` on a seeded random subset of the
    /// training split, holding out `validationImages` others for the reported accuracy.
    public static func train(
        _ settings: MNISTBagsConfig.Pretraining, on dataset: MNISTDataset, seed: UInt64,
        onEpoch: (MNISTPretrainingEpoch) -> Void = { _ in }, onBatch: (Int) -> Void = { _ in }
    ) -> (model: ResNet, history: [MNISTPretrainingEpoch]) {
        var generator = SeededGenerator(seed: seed)
        let order = Array(0..<dataset.labels.count).shuffled(using: &generator)
        let validation = Array(order.prefix(settings.validationImages))
        let remaining = order.dropFirst(settings.validationImages)
        let training = Array(settings.trainingImages > 0 ? remaining.prefix(settings.trainingImages) : remaining)

        let model = ResNet(.mnist(baseWidth: settings.baseWidth), seed: generator.next())
        let optimizer: any Optimizer
        switch settings.optimizer {
        case .adam: optimizer = Adam(parameters: model.parameters, learningRate: settings.learningRate)
        case .sgd: optimizer = SGD(parameters: model.parameters, learningRate: settings.learningRate, momentum: settings.momentum)
        }
        var history: [MNISTPretrainingEpoch] = []
        for epoch in 1...max(1, settings.epochs) {
            let start = Date()
            let shuffled = training.shuffled(using: &generator)
            var lossTotal = 0.0, batches = 0
            for first in stride(from: 0, to: shuffled.count, by: settings.batchSize) {
                let indices = shuffled[first..<min(first + settings.batchSize, shuffled.count)]
                let input = MNISTImages.batch(dataset.images, indices: indices)
                optimizer.zeroGradients()
                let logits = model.forward(input, mode: .training)
                let loss = CrossEntropy.loss(logits: logits, classes: indices.map { Int(dataset.labels[$0]) })
                model.backwardParameters(loss.gradient)
                optimizer.step()
                lossTotal += Double(loss.value)
                batches += 1
                onBatch(indices.count)
            }
            let accuracy = validationAccuracy(model, dataset: dataset, indices: validation, batchSize: settings.featureBatchSize)
            let record = MNISTPretrainingEpoch(epoch: epoch, loss: Float(lossTotal / Double(max(1, batches))),
                                               validationAccuracy: accuracy, seconds: Date().timeIntervalSince(start))
            history.append(record)
            onEpoch(record)
        }
        return (model, history)
    }

    /// Top-1 accuracy of `model` (inference mode) on the images at `indices`; 0 when empty.
    static func validationAccuracy(_ model: ResNet, dataset: MNISTDataset, indices: [Int], batchSize: Int) -> Double {
        guard !indices.isEmpty else { return 0 }
        let folded = FoldedResNet(model)
        var correct = 0
        for first in stride(from: 0, to: indices.count, by: batchSize) {
            let part = indices[first..<min(first + batchSize, indices.count)]
            let logits = folded.forward(MNISTImages.batch(dataset.images, indices: part))
            let classes = logits.shape[1]
            for (row, index) in part.enumerated() {
                let scores = logits.storage[(row * classes)..<((row + 1) * classes)]
                if scores.indices.max(by: { scores[$0] < scores[$1] })! - row * classes == Int(dataset.labels[index]) { correct += 1 }
            }
        }
        return Double(correct) / Double(indices.count)
    }

    /// The avgpool output (8·baseWidth wide) of the first `count` images of `dataset`, in
    /// streaming batches: [count, 8·baseWidth]. `trained` must be an MNIST classifier ResNet.
    public static func features(of dataset: MNISTDataset, count: Int, using trained: ResNet, batchSize: Int,
                                onBatch: (Int) -> Void = { _ in }) throws -> Tensor {
        var configuration = trained.configuration
        configuration.head = .featuresBeforeClassifier
        let trunk = ResNet(configuration)
        try trunk.load(torchvisionState: trained.stateDictionary())
        let folded = FoldedResNet(trunk)
        let width = configuration.outputWidth
        var storage = [Float]()
        storage.reserveCapacity(count * width)
        for first in stride(from: 0, to: count, by: batchSize) {
            let range = first..<min(first + batchSize, count)
            storage += folded.forward(MNISTImages.batch(dataset.images, indices: range)).storage
            onBatch(range.count)
        }
        return Tensor(shape: [count, width], storage: storage)
    }
}
