import Foundation
import MIL
import NN
import Tensor
import XCTest

/// A NaN or infinite learning rate (or features far out of range) used to train on with loss NaN
/// and return a NaN model; the trainer must stop with the epoch named.
final class TrainingDivergenceTests: XCTestCase {
    private let data = LabelledBags(
        features: (0..<6).map { PoolingFixtures.randomMatrix(rows: 3 + $0, columns: PoolingFixtures.width, seed: 50 + UInt64($0)) },
        labels: [true, false, true, false, true, false])

    private func options(learningRate: Float, epochs: Int = 3) -> MILTrainingOptions {
        MILTrainingOptions(optimizer: .sgd, learningRate: learningRate, momentum: 0, weightDecay: 0, epochs: epochs,
                           batchSize: 2, validationFraction: 0, patience: 0)
    }

    private func model() -> MILModel {
        PoolingFixtures.configuration(.attention, classifier: .mlp).makeModel(inputWidth: PoolingFixtures.width, seed: 4)
    }

    private func train(_ bags: LabelledBags<Bool>, learningRate: Float) throws -> [MILEpochRecord<BinaryMeasures>] {
        try MILTrainer(objective: BinaryObjective(), options: options(learningRate: learningRate))
            .train(model(), on: bags, training: Array(0..<bags.count), validation: [])
    }

    func testTrainerStopsOnANaNLearningRate() throws {
        XCTAssertThrowsError(try train(data, learningRate: .nan)) { error in
            guard let diverged = error as? TrainingDivergedError else { return XCTFail("\(error)") }
            XCTAssertEqual(diverged.epoch, 1)
            XCTAssertTrue("\(diverged)".hasPrefix("training diverged in epoch 1: the weight '"), "\(diverged)")
            XCTAssertTrue("\(diverged)".hasSuffix("' is nan"), "\(diverged)")
        }
    }

    func testTrainerStopsOnAnInfiniteLearningRate() throws {
        XCTAssertThrowsError(try train(data, learningRate: .infinity)) { error in
            XCTAssertEqual((error as? TrainingDivergedError)?.epoch, 1, "\(error)")
        }
    }

    func testNonFiniteFeaturesStopAtTheLoss() throws {
        var features = data.features
        features[0].storage[0] = .infinity
        let poisoned = LabelledBags(features: features, labels: data.labels)
        XCTAssertThrowsError(try train(poisoned, learningRate: 0.01)) { error in
            XCTAssertTrue(error is TrainingDivergedError, "\(error)")
        }
    }

    func testFiniteTrainingIsUnaffected() throws {
        let history = try train(data, learningRate: 0.01)
        XCTAssertEqual(history.count, 3)
        XCTAssertTrue(history.allSatisfy { $0.trainingLoss.isFinite })
    }
}
