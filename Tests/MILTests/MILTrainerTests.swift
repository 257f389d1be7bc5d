import Foundation
import MIL
import NN
import Tensor
import XCTest

final class MILTrainerTests: XCTestCase {
    private func bags(_ sizes: [Int], labels: [Bool], seed: UInt64) -> LabelledBags<Bool> {
        LabelledBags(features: sizes.enumerated().map { PoolingFixtures.randomMatrix(rows: $1, columns: PoolingFixtures.width, seed: seed + UInt64($0)) },
                     labels: labels)
    }

    private func oneStep(_ kind: PoolingKind, _ data: LabelledBags<Bool>, negative: Float = 1, positive: Float = 1) throws -> [Tensor] {
        let model = PoolingFixtures.configuration(kind, classifier: .mlp).makeModel(inputWidth: PoolingFixtures.width, seed: 4)
        let options = MILTrainingOptions(optimizer: .sgd, learningRate: 0.1, momentum: 0, weightDecay: 0, epochs: 1,
                                         batchSize: data.count, validationFraction: 0, patience: 0)
        _ = try MILTrainer(objective: BinaryObjective(negativeWeight: negative, positiveWeight: positive), options: options)
            .train(model, on: data, training: Array(0..<data.count), validation: [])
        return model.parameters.map(\.value)
    }

    private func assertClose(_ a: [Tensor], _ b: [Tensor], file: StaticString = #filePath, line: UInt = #line) {
        XCTAssertEqual(a.count, b.count, file: file, line: line)
        for (x, y) in zip(a, b) {
            XCTAssertEqual(x.shape, y.shape, file: file, line: line)
            for (u, v) in zip(x.storage, y.storage) { XCTAssertEqual(u, v, accuracy: 1e-5, file: file, line: line) }
        }
    }

    /// Accumulating one bag at a time must equal one SGD step on a padded, masked batch of the
    /// same bags (mean BCE over the batch), computed here directly from the model.
    func testAccumulatedStepEqualsPaddedBatchStep() throws {
        let data = bags([3, 7, 1, 5], labels: [true, false, false, true], seed: 10)
        for kind in PoolingKind.allCases {
            let padded = PoolingFixtures.configuration(kind, classifier: .mlp).makeModel(inputWidth: PoolingFixtures.width, seed: 4)
            let optimizer = SGD(parameters: padded.parameters, learningRate: 0.1)
            optimizer.zeroGradients()
            let logits = padded.forward(try BagBatch(bags: data.features), mode: .training).logits
            let loss = BinaryCrossEntropyWithLogits.loss(logits: logits, targets: Tensor(shape: [data.count], storage: data.labels.map { $0 ? 1 : 0 }))
            padded.backward(loss.gradient)
            optimizer.step()
            assertClose(try oneStep(kind, data), padded.parameters.map(\.value))
        }
    }

    /// A class weight of 3 counts each positive bag as three copies of it.
    func testClassWeightEqualsRepeatingTheClass() throws {
        let data = bags([4, 2, 6], labels: [true, false, false], seed: 30)
        let repeated = data.subset([0, 0, 0, 1, 2])
        assertClose(try oneStep(.attention, data, positive: 3), try oneStep(.attention, repeated))
        assertClose(try oneStep(.attention, data, negative: 2, positive: 2), try oneStep(.attention, data))
    }

    func testBalancedWeights() {
        let weights = BinaryObjective.balanced(labels: [true, false, false, false])
        XCTAssertEqual(weights.positiveWeight, 2)
        XCTAssertEqual(weights.negativeWeight, 4.0 / 6.0, accuracy: 1e-6)
        XCTAssertEqual(BinaryObjective.balanced(labels: [true, true]).positiveWeight, 1)
    }

    func testEarlyStoppingRestoresTheBestEpoch() throws {
        let training = bags([5, 5, 5, 5], labels: [true, false, true, false], seed: 50)
        let validation = bags([5, 5], labels: [false, true], seed: 70)
        let model = PoolingFixtures.configuration(.attention, classifier: .mlp).makeModel(inputWidth: PoolingFixtures.width, seed: 4)
        let trainer = MILTrainer(objective: BinaryObjective(), options: MILTrainingOptions(learningRate: 0.05, epochs: 30, batchSize: 2, patience: 3))
        let (all, split) = Self.joined(training, validation)
        let history = try trainer.train(model, on: all, training: split.training, validation: split.validation)
        let best = history.compactMap(\.validationLoss).min()!
        XCTAssertEqual(try trainer.evaluate(model, on: validation).loss, best, accuracy: 1e-5)
        if history.count < 30 {
            XCTAssertEqual(history.suffix(3).allSatisfy { $0.validationLoss! > best }, true, "stopped after 3 epochs without improvement")
        }
    }

    func testMinimumEpochsHoldsOffEarlyStopping() throws {
        let training = bags([5, 5, 5, 5], labels: [true, false, true, false], seed: 50)
        let validation = bags([5, 5], labels: [false, true], seed: 70)
        let options = MILTrainingOptions(learningRate: 0.05, epochs: 12, batchSize: 2, patience: 1)
        let model = { PoolingFixtures.configuration(.attention, classifier: .mlp).makeModel(inputWidth: PoolingFixtures.width, seed: 4) }
        let (all, split) = Self.joined(training, validation)
        let eager = try MILTrainer(objective: BinaryObjective(), options: options)
            .train(model(), on: all, training: split.training, validation: split.validation)
        let held = try MILTrainer(objective: BinaryObjective(), options: options, minimumEpochs: 10)
            .train(model(), on: all, training: split.training, validation: split.validation)
        XCTAssertLessThan(eager.count, 10, "patience 1 stops this run early")
        XCTAssertGreaterThanOrEqual(held.count, 10)
        XCTAssertEqual(Array(held.prefix(eager.count)), eager, "same seed, same epochs until the eager run stopped")
    }

    /// One collection of the training bags then the validation bags, and their indices.
    static func joined(_ training: LabelledBags<Bool>, _ validation: LabelledBags<Bool>) -> (LabelledBags<Bool>, (training: [Int], validation: [Int])) {
        (LabelledBags(features: training.features + validation.features, labels: training.labels + validation.labels),
         (Array(0..<training.count), Array(training.count..<(training.count + validation.count))))
    }

    func testLoadStateRoundTripAndMismatch() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("bagwise-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let url = folder.appendingPathComponent("m.safetensors")
        let configuration = PoolingFixtures.configuration(.gatedAttention, classifier: .mlp)
        let trained = configuration.makeModel(inputWidth: 4, seed: 1)
        try SafeTensorsArchive.write(trained.stateDictionary(), to: url)
        let fresh = configuration.makeModel(inputWidth: 4, seed: 2)
        XCTAssertNotEqual(fresh.parameters.first!.value, trained.parameters.first!.value)
        try fresh.loadState(contentsOf: url)
        XCTAssertEqual(fresh.stateDictionary(), trained.stateDictionary())
        let wider = configuration.makeModel(inputWidth: 5, seed: 2)
        let before = wider.stateDictionary()
        XCTAssertThrowsError(try wider.loadState(contentsOf: url)) { XCTAssertTrue($0 is StateDictionaryError) }
        XCTAssertEqual(wider.stateDictionary(), before, "a failed load leaves the model unchanged")
        XCTAssertThrowsError(try PoolingFixtures.configuration(.mean, classifier: .mlp).makeModel(inputWidth: 4, seed: 0).loadState(contentsOf: url))
    }
}

/// `metrics.json` keeps the per-epoch keys it had before the loops were merged: flat, with the
/// binary measures as `validationAUC` and `validationAccuracy`, nothing but the losses without
/// validation bags.
final class MILEpochRecordCodingTests: XCTestCase {
    private func keys<M>(_ record: MILEpochRecord<M>) throws -> [String] {
        let object = try JSONSerialization.jsonObject(with: JSONEncoder().encode(record)) as? [String: Any]
        return try XCTUnwrap(object).keys.sorted()
    }

    func testBinaryRecordsAreFlatWithTheirOldKeys() throws {
        let record = MILEpochRecord(epoch: 3, trainingLoss: 0.5, validationLoss: 0.25, validation: BinaryMeasures(auc: 0.75, accuracy: 0.5))
        XCTAssertEqual(try keys(record), ["epoch", "trainingLoss", "validationAUC", "validationAccuracy", "validationLoss"])
        XCTAssertEqual(try JSONDecoder().decode(MILEpochRecord<BinaryMeasures>.self, from: JSONEncoder().encode(record)), record)
        let bare = MILEpochRecord<BinaryMeasures>(epoch: 1, trainingLoss: 0.5, validationLoss: nil, validation: nil)
        XCTAssertEqual(try keys(bare), ["epoch", "trainingLoss"])
        XCTAssertEqual(try JSONDecoder().decode(MILEpochRecord<BinaryMeasures>.self, from: JSONEncoder().encode(bare)), bare)
        let oneClass = MILEpochRecord(epoch: 2, trainingLoss: 0.5, validationLoss: 0.25, validation: BinaryMeasures(auc: nil, accuracy: 1))
        XCTAssertEqual(try JSONDecoder().decode(MILEpochRecord<BinaryMeasures>.self, from: JSONEncoder().encode(oneClass)), oneClass)
    }
}
