import MIL
import Tensor
import XCTest

/// `MILTrainer` on `BinaryObjective` and MNIST-shaped bags: 3-7 instances drawn from ten noisy prototypes ("digits"),
/// a bag positive iff it holds prototype 1, as `slidemil mnist` builds them from CNN features.
final class MILTrainerLearningTests: XCTestCase {
    private static let width = 16

    /// Bags of `count` (positive rate about 1 − 0.9^5 ≈ 0.41), each instance its digit's prototype plus noise.
    private func digitBags(count: Int, seed: UInt64) -> (bags: LabelledBags<Bool>, digits: [[Int]]) {
        var prototypeGenerator = SeededGenerator(seed: 1234)
        let prototypes = Tensor.normal([10, Self.width], generator: &prototypeGenerator)
        var generator = SeededGenerator(seed: seed)
        var features: [Tensor] = [], labels: [Bool] = [], digits: [[Int]] = []
        for _ in 0..<count {
            let bagDigits = (0..<Int.random(in: 3...7, using: &generator)).map { _ in Int.random(in: 0..<10, using: &generator) }
            var bag = Tensor.normal([bagDigits.count, Self.width], generator: &generator)
            for (row, digit) in bagDigits.enumerated() {
                for j in 0..<Self.width { bag.storage[row * Self.width + j] = prototypes.storage[digit * Self.width + j] + 0.5 * bag.storage[row * Self.width + j] }
            }
            features.append(bag)
            labels.append(bagDigits.contains(1))
            digits.append(bagDigits)
        }
        return (LabelledBags(features: features, labels: labels), digits)
    }

    /// A broken trainer (no step, wrong sign, gradients of padding or of the wrong bag) stays
    /// near AUC 0.5 and a top instance at chance (about 1/5 of the bag).
    func testAttentionModelLearnsDigitBagsAndFindsTheTargetDigit() throws {
        let trainer = MILTrainer(objective: BinaryObjective(),
                                 options: MILTrainingOptions(learningRate: 5e-4, weightDecay: 1e-4, epochs: 10, batchSize: 16, patience: 5, seed: 1))
        let model = MILModelConfiguration(pooling: .attention, classifier: .mlp, attentionHidden: 32, classifierHidden: 64, dropout: 0.25)
            .makeModel(inputWidth: Self.width, seed: 1)
        let training = digitBags(count: 400, seed: 2), validation = digitBags(count: 40, seed: 3)
        let (all, split) = MILTrainerTests.joined(training.bags, validation.bags)
        let history = try trainer.train(model, on: all, training: split.training, validation: split.validation)
        XCTAssertNotNil(history[0].validationLoss)
        let test = digitBags(count: 300, seed: 4)
        let evaluation = try trainer.evaluate(model, on: test.bags)
        XCTAssertGreaterThan(evaluation.auc!, 0.98)
        XCTAssertGreaterThan(evaluation.confusion.accuracy!, 0.93)
        var hits = 0, positives = 0
        for (prediction, digits) in zip(evaluation.predictions, test.digits) where prediction.label {
            positives += 1
            if digits[prediction.topInstance] == 1 { hits += 1 }
        }
        XCTAssertGreaterThan(Double(hits) / Double(positives), 0.9)
    }

    func testTrainingIsReproducibleForASeed() throws {
        let options = MILTrainingOptions(optimizer: .sgd, learningRate: 1e-2, epochs: 2, batchSize: 4, seed: 9)
        let data = digitBags(count: 40, seed: 5)
        func trainedWeights() throws -> [Float] {
            let model = MILModelConfiguration(pooling: .gatedAttention, attentionHidden: 4, classifierHidden: 8).makeModel(inputWidth: Self.width, seed: 4)
            _ = try MILTrainer(objective: BinaryObjective(), options: options).train(model, on: data.bags, training: Array(0..<32), validation: Array(32..<40))
            return model.parameters.flatMap(\.value.storage)
        }
        XCTAssertEqual(try trainedWeights(), try trainedWeights())
    }
}
