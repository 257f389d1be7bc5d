import Foundation
import MIL
import MILHeads
import MILTasks
import NN
import Tensor
import XCTest

/// `MILTask` losses and `TaskTrainer` on small synthetic problems with a known answer.
final class TaskTrainerTests: XCTestCase {
    /// Bags of 4–8 standard-normal 4-wide instances; a bag of class c ≥ 1 also holds 1–2 key
    /// instances whose feature c−1 is shifted by +5 (class 0 has none), so the class is
    /// recoverable only by finding the key instances.
    private func classBags(count: Int, classes: Int, seed: UInt64) -> TaskBags {
        var generator = SeededGenerator(seed: seed)
        var features: [Tensor] = [], targets: [BagTarget] = []
        for index in 0..<count {
            let c = index % classes
            var bag = Tensor.normal([4 + Int(generator.next() % 5), 4], generator: &generator)
            if c > 0 {
                for k in 0..<(1 + Int(generator.next() % 2)) { bag.storage[k * 4 + (c - 1)] += 5 }
            }
            features.append(bag)
            targets.append(.classIndex(c))
        }
        return TaskBags(features: features, targets: targets)
    }

    /// Bags of 5 instances whose feature 0 is a bag severity s ~ U(0, 2) plus N(0, 0.3²) noise
    /// (the other features are noise); time = exp(2 − 2s)·U(0.5, 1.5), censored (at a uniform
    /// fraction of it) for 30 %.
    private func survivalBags(count: Int, seed: UInt64) -> TaskBags {
        var generator = SeededGenerator(seed: seed)
        var features: [Tensor] = [], targets: [BagTarget] = []
        for _ in 0..<count {
            var bag = Tensor.normal([5, 4], standardDeviation: 0.3, generator: &generator)
            let severity = 2 * generator.nextUniform()
            for i in 0..<5 { bag.storage[i * 4] += severity }
            var time = Double(expf(2 - 2 * severity) * generator.nextUniform(in: 0.5, 1.5))
            let censored = generator.nextUniform() < 0.3
            if censored { time *= Double(generator.nextUniform(in: 0.2, 1)) }
            features.append(bag)
            targets.append(.survival(SurvivalOutcome(time: time, event: !censored)))
        }
        return TaskBags(features: features, targets: targets)
    }

    private let options = MILTrainingOptions(optimizer: .adam, learningRate: 1e-2, weightDecay: 0, epochs: 40, batchSize: 8, patience: 0, seed: 3)

    func testMulticlassHeadsLearnWhichKeyInstanceABagHolds() throws {
        let training = classBags(count: 150, classes: 3, seed: 1), held = classBags(count: 60, classes: 3, seed: 2)
        var generator = SeededGenerator(seed: 5)
        let heads: [(String, any BagHead)] = [
            ("attention", PooledBagHead(pooling: AttentionPooling(inputWidth: 4, hiddenWidth: 8, generator: &generator), inputWidth: 4, classCount: 3, generator: &generator)),
            ("CLAM-MB", CLAMMultiBranch(inputWidth: 4, embeddingWidth: 8, attentionWidth: 4, classCount: 3, dropout: 0, generator: &generator)),
            ("DSMIL", DualStreamMIL(inputWidth: 4, queryWidth: 4, classCount: 3, generator: &generator)),
        ]
        let trainer = TaskTrainer(options: options, task: .multiclass(classCount: 3, classWeights: nil))
        for (name, head) in heads {
            let history = try trainer.train(head, training: training, validation: TaskBags(features: [], targets: []))
            XCTAssertLessThan(history.last!.trainingLoss, history.first!.trainingLoss, name)
            let evaluation = try trainer.evaluate(head, on: held)
            XCTAssertGreaterThanOrEqual(try XCTUnwrap(evaluation.measure), 0.95, "\(name) held-out macro AUC")
            let predicted = MulticlassMetrics.predictedClasses(scores: evaluation.scores)
            let actual = held.targets.map { if case .classIndex(let c) = $0 { return c } else { return -1 } }
            let accuracy = try XCTUnwrap(MulticlassConfusionMatrix(predicted: predicted, actual: actual, classCount: 3).accuracy)
            XCTAssertGreaterThanOrEqual(accuracy, 0.85, "\(name) held-out accuracy")
        }
    }

    func testSurvivalHeadsRankRiskBySeverity() throws {
        let training = survivalBags(count: 120, seed: 7), held = survivalBags(count: 60, seed: 8)
        let outcomes = training.targets.compactMap { if case .survival(let o) = $0 { return o } else { return nil } }
        for kind in [SurvivalLossKind.cox, .discreteTime(bins: SurvivalBins(fitting: outcomes, binCount: 4), alpha: 0.2)] {
            let task = MILTask.survival(kind)
            var generator = SeededGenerator(seed: 9)
            let head = PooledBagHead(pooling: GatedAttentionPooling(inputWidth: 4, hiddenWidth: 8, generator: &generator), inputWidth: 4,
                                     classCount: task.outputCount, generator: &generator)
            let trainer = TaskTrainer(options: options, task: task)
            let before = try XCTUnwrap(try trainer.evaluate(head, on: held).measure)
            let history = try trainer.train(head, training: training, validation: held)
            let after = try XCTUnwrap(try trainer.evaluate(head, on: held).measure)
            XCTAssertGreaterThanOrEqual(after, 0.8, "\(kind) held-out c-index (untrained: \(before))")
            XCTAssertEqual(history.map(\.validationMeasure).compactMap { $0 }.count, history.count)
        }
    }

    func testBinaryTaskLossIsTheClassWeightedMeanBCE() {
        let logits = Tensor(shape: [3, 1], storage: [0.5, -1, 2])
        let targets: [BagTarget] = [.binary(true), .binary(false), .binary(false)]
        let weighted = MILTask.binary(classWeights: [0.5, 2]).loss(logits: logits, targets: targets)
        func bce(_ x: Float, _ y: Float) -> Float { max(x, 0) - x * y + log1pf(expf(-abs(x))) }
        XCTAssertEqual(weighted.value, (2 * bce(0.5, 1) + 0.5 * bce(-1, 0) + 0.5 * bce(2, 0)) / 3, accuracy: 1e-6)
        XCTAssertEqual(weighted.gradient.storage[0], 2 * (Sigmoid.logistic(0.5) - 1) / 3, accuracy: 1e-6)
        let plain = MILTask.binary(classWeights: nil).loss(logits: logits, targets: targets)
        let reference = BinaryCrossEntropyWithLogits.loss(logits: logits, targets: Tensor(shape: [3, 1], storage: [1, 0, 0]))
        XCTAssertEqual(plain.value, reference.value, accuracy: 1e-6)
        for (a, b) in zip(plain.gradient.storage, reference.gradient.storage) { XCTAssertEqual(a, b, accuracy: 1e-7) }
    }

    func testScoresAreProbabilitiesOrRisks() {
        let logits = Tensor(shape: [2, 3], storage: [1, 2, 3, 0, 0, 0])
        let probabilities = MILTask.multiclass(classCount: 3, classWeights: nil).scores(logits: logits)
        XCTAssertEqual(probabilities[1], [1.0 / 3, 1.0 / 3, 1.0 / 3])
        XCTAssertEqual(probabilities[0].reduce(0, +), 1, accuracy: 1e-12)
        XCTAssertGreaterThan(probabilities[0][2], probabilities[0][1])
        // Higher hazards in every bin mean lower survival and so a higher risk.
        let bins = SurvivalBins(edges: [0, 1, 2, 3])
        let risks = MILTask.survival(.discreteTime(bins: bins, alpha: 0)).scores(logits: Tensor(shape: [2, 3], storage: [2, 2, 2, -2, -2, -2]))
        XCTAssertGreaterThan(risks[0][0], risks[1][0])
    }

    func testBalancedSamplingDrawsEveryClassEqually() {
        let targets: [BagTarget] = (0..<100).map { .classIndex($0 < 80 ? 0 : ($0 < 95 ? 1 : 2)) }
        let trainer = TaskTrainer(options: options, task: .multiclass(classCount: 3, classWeights: nil), sampling: .balanced)
        var generator = SeededGenerator(seed: 4)
        var counts = [0, 0, 0]
        for _ in 0..<30 {
            for index in trainer.epochOrder(Array(0..<100), targets: targets, using: &generator) {
                if case .classIndex(let c) = targets[index] { counts[c] += 1 }
            }
        }
        for count in counts { XCTAssertEqual(Double(count) / 3000, 1.0 / 3, accuracy: 0.03, "\(counts)") }
        let shuffled = TaskTrainer(options: options, task: .multiclass(classCount: 3, classWeights: nil)).epochOrder(Array(0..<100), targets: targets, using: &generator)
        XCTAssertEqual(shuffled.sorted(), Array(0..<100), "without balancing every bag comes once")
        XCTAssertEqual(TaskTrainer.stratum(of: .survival(SurvivalOutcome(time: 1, event: false))), 0)
    }

    /// CLAM-MB with its instance term still learns, and the term's gradient scale is applied:
    /// the instance classifiers move only when the term is on.
    func testCLAMInstanceTermTrainsTheInstanceClassifiers() throws {
        let training = classBags(count: 60, classes: 3, seed: 1), held = classBags(count: 60, classes: 3, seed: 2)
        var quick = options
        quick.epochs = 15
        for weight: Float in [0, 0.3] {
            var generator = SeededGenerator(seed: 5)
            let head = CLAMMultiBranch(inputWidth: 4, embeddingWidth: 8, attentionWidth: 4, classCount: 3, dropout: 0, generator: &generator)
            let before = head.instanceClassifiers.map(\.weight.value)
            let trainer = TaskTrainer(options: quick, task: .multiclass(classCount: 3, classWeights: nil),
                                      instanceLoss: InstanceLossOptions(weight: weight, topK: 2))
            _ = try trainer.train(head, training: training, validation: TaskBags(features: [], targets: []))
            XCTAssertGreaterThanOrEqual(try XCTUnwrap(try trainer.evaluate(head, on: held).measure), 0.9, "weight \(weight)")
            let moved = zip(before, head.instanceClassifiers.map(\.weight.value)).map { $0.maxAbsoluteDifference(to: $1) }.max()!
            if weight == 0 { XCTAssertEqual(moved, 0, "weight decay is 0: untouched classifiers stay put") } else { XCTAssertGreaterThan(moved, 0.01) }
        }
    }

    /// Tasks (with their survival bins) and targets survive a JSON round trip, so a saved model
    /// can record what it was trained for.
    func testTasksAndTargetsRoundTripThroughJSON() throws {
        let tasks: [MILTask] = [.binary(classWeights: [1, 2]), .multiclass(classCount: 4, classWeights: nil),
                                .survival(.discreteTime(bins: SurvivalBins(edges: [0, 1.5, 3, 9]), alpha: 0.4)), .survival(.cox)]
        XCTAssertEqual(try JSONDecoder().decode([MILTask].self, from: JSONEncoder().encode(tasks)), tasks)
        let targets: [BagTarget] = [.binary(true), .classIndex(2), .survival(SurvivalOutcome(time: 12.5, event: false))]
        XCTAssertEqual(try JSONDecoder().decode([BagTarget].self, from: JSONEncoder().encode(targets)), targets)
    }
}
