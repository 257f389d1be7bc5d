import MIL
import Tensor
import XCTest

/// The trainer on a synthetic task where a bag is positive iff one instance carries a signal.
final class MILTrainerTests: XCTestCase {
    private func syntheticBags(count: Int, seed: UInt64) -> LabelledBags {
        var generator = SeededGenerator(seed: seed)
        var features: [Tensor] = [], labels: [Bool] = []
        for index in 0..<count {
            let size = Int.random(in: 2...8, using: &generator)
            var bag = Tensor.normal([size, 6], generator: &generator)
            let positive = index % 2 == 0
            if positive { bag.storage[Int.random(in: 0..<size, using: &generator) * 6] += 4 }
            features.append(bag)
            labels.append(positive)
        }
        return LabelledBags(features: features, labels: labels)
    }

    func testAttentionModelLearnsAndFindsTheKeyInstance() throws {
        let trainer = MILTrainer(options: MILTrainingOptions(learningRate: 5e-3, weightDecay: 0, epochs: 15, batchSize: 8,
                                                             validationFraction: 0.2, patience: 5, seed: 1))
        let model = MILModelConfiguration(pooling: .attention, classifier: .mlp, attentionHidden: 16, classifierHidden: 32, dropout: 0.1)
            .makeModel(inputWidth: 6, seed: 1)
        let history = try trainer.train(model, on: syntheticBags(count: 300, seed: 2))
        XCTAssertFalse(history.isEmpty)
        XCTAssertNotNil(history[0].validationLoss)
        let test = syntheticBags(count: 200, seed: 3)
        let evaluation = try trainer.evaluate(model, on: test)
        XCTAssertGreaterThan(evaluation.auc!, 0.95)
        // Chance level for the highest-weight instance is about 1/5.
        var hits = 0, positives = 0
        for (prediction, bag) in zip(evaluation.predictions, test.features) where prediction.label {
            positives += 1
            let signal = (0..<bag.shape[0]).max { bag.storage[$0 * 6] < bag.storage[$1 * 6] }!
            if prediction.topInstance == signal { hits += 1 }
        }
        XCTAssertGreaterThan(Double(hits) / Double(positives), 0.8)
    }

    func testTrainingIsReproducibleForASeed() throws {
        let options = MILTrainingOptions(optimizer: .sgd, learningRate: 1e-2, epochs: 2, batchSize: 4, seed: 9)
        func trainedWeights() throws -> [Float] {
            let model = MILModelConfiguration(pooling: .gatedAttention, attentionHidden: 4, classifierHidden: 8).makeModel(inputWidth: 6, seed: 4)
            _ = try MILTrainer(options: options).train(model, on: syntheticBags(count: 40, seed: 5))
            return model.parameters.flatMap(\.value.storage)
        }
        XCTAssertEqual(try trainedWeights(), try trainedWeights())
    }
}
