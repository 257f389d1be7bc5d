import Foundation
import MIL
import MILHeads
import MILTasks
import NN
import Tensor
import XCTest

/// The multi-class and survival objectives and `MILTrainer` on them, on small synthetic problems
/// with a known answer.
final class TaskObjectiveTests: XCTestCase {
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

    private func trainer(_ task: MILTask, options: MILTrainingOptions? = nil, sampling: BagSampling = .shuffle,
                         instanceLoss: InstanceLossOptions = InstanceLossOptions()) -> MILTrainer<BagTarget, TaskMeasure> {
        MILTrainer(objective: task.objective, options: options ?? self.options, sampling: sampling, instanceLoss: instanceLoss)
    }

    private func evaluate(_ trainer: MILTrainer<BagTarget, TaskMeasure>, _ head: any BagHead, on bags: TaskBags, task: MILTask) throws -> TaskEvaluation {
        TaskEvaluation(try trainer.outputs(head, on: bags, indices: Array(0..<bags.count)), task: task)
    }

    func testMulticlassHeadsLearnWhichKeyInstanceABagHolds() throws {
        let training = classBags(count: 150, classes: 3, seed: 1), held = classBags(count: 60, classes: 3, seed: 2)
        var generator = SeededGenerator(seed: 5)
        let heads: [(String, any BagHead)] = [
            ("attention", PooledBagHead(pooling: AttentionPooling(inputWidth: 4, hiddenWidth: 8, generator: &generator), inputWidth: 4, classCount: 3, generator: &generator)),
            ("CLAM-MB", CLAMMultiBranch(inputWidth: 4, embeddingWidth: 8, attentionWidth: 4, classCount: 3, dropout: 0, generator: &generator)),
            ("DSMIL", DualStreamMIL(inputWidth: 4, queryWidth: 4, classCount: 3, generator: &generator)),
        ]
        let task = MILTask.multiclass(classCount: 3, classWeights: nil)
        let trainer = trainer(task)
        for (name, head) in heads {
            let history = try trainer.train(head, on: training, training: Array(0..<training.count), validation: [])
            XCTAssertLessThan(history.last!.trainingLoss, history.first!.trainingLoss, name)
            let evaluation = try evaluate(trainer, head, on: held, task: task)
            XCTAssertGreaterThanOrEqual(try XCTUnwrap(evaluation.measure), 0.95, "\(name) held-out macro AUC")
            let predicted = MulticlassMetrics.predictedClasses(scores: evaluation.scores)
            let actual = held.targets.map { if case .classIndex(let c) = $0 { return c } else { return -1 } }
            let accuracy = try XCTUnwrap(MulticlassConfusionMatrix(predicted: predicted, actual: actual, classCount: 3).accuracy)
            XCTAssertGreaterThanOrEqual(accuracy, 0.85, "\(name) held-out accuracy")
        }
    }

    func testSurvivalHeadsRankRiskBySeverity() throws {
        let training = survivalBags(count: 120, seed: 7), held = survivalBags(count: 60, seed: 8)
        let all = TaskBags(features: training.features + held.features, targets: training.targets + held.targets)
        let outcomes = training.targets.compactMap { if case .survival(let o) = $0 { return o } else { return nil } }
        for kind in [SurvivalLossKind.cox, .discreteTime(bins: SurvivalBins(fitting: outcomes, binCount: 4), alpha: 0.2)] {
            let task = MILTask.survival(kind)
            var generator = SeededGenerator(seed: 9)
            let head = PooledBagHead(pooling: GatedAttentionPooling(inputWidth: 4, hiddenWidth: 8, generator: &generator), inputWidth: 4,
                                     classCount: task.outputCount, generator: &generator)
            let trainer = trainer(task)
            let before = try XCTUnwrap(try evaluate(trainer, head, on: held, task: task).measure)
            let history = try trainer.train(head, on: all, training: Array(0..<training.count),
                                            validation: Array(training.count..<all.count))
            let after = try XCTUnwrap(try evaluate(trainer, head, on: held, task: task).measure)
            XCTAssertGreaterThanOrEqual(after, 0.8, "\(kind) held-out c-index (untrained: \(before))")
            XCTAssertEqual(history.compactMap { $0.validation?.measure }.count, history.count)
        }
    }

    /// Bags of a per-bag loss run one at a time, each weighted by its class weight over the step's
    /// total; that must equal one SGD step on the padded batch of the step's bags with the
    /// class-weighted cross-entropy over the batch, computed here directly from the head.
    func testOneBagAtATimeEqualsThePaddedWeightedStep() throws {
        let bags = classBags(count: 6, classes: 3, seed: 11)
        let weights: [Float] = [0.5, 2, 1]
        let options = MILTrainingOptions(optimizer: .sgd, learningRate: 0.1, momentum: 0, weightDecay: 0, epochs: 1, batchSize: 6, patience: 0)
        func head() -> PooledBagHead {
            var generator = SeededGenerator(seed: 12)
            return PooledBagHead(pooling: AttentionPooling(inputWidth: 4, hiddenWidth: 8, generator: &generator), inputWidth: 4, classCount: 3, generator: &generator)
        }
        let trained = head()
        _ = try trainer(.multiclass(classCount: 3, classWeights: weights), options: options).train(trained, on: bags, training: Array(0..<6), validation: [])
        let padded = head()
        let optimizer = SGD(parameters: padded.parameters, learningRate: 0.1)
        optimizer.zeroGradients()
        let logits = padded.forward(try BagBatch(bags: bags.features), mode: .training).logits
        let classes = bags.targets.map { if case .classIndex(let c) = $0 { return c } else { return -1 } }
        _ = padded.backward(WeightedCrossEntropy.loss(logits: logits, classes: classes, classWeights: weights).gradient)
        optimizer.step()
        for (a, b) in zip(trained.parameters, padded.parameters) {
            for (u, v) in zip(a.value.storage, b.value.storage) { XCTAssertEqual(u, v, accuracy: 1e-5) }
        }
    }

    /// Cox's risk sets couple a step's bags: the step runs as one padded batch, the partial
    /// likelihood over all of them (one bag at a time would see risk sets of one).
    func testCoxStepSeesTheWholeRiskSet() throws {
        let bags = survivalBags(count: 6, seed: 13)
        let options = MILTrainingOptions(optimizer: .sgd, learningRate: 0.1, momentum: 0, weightDecay: 0, epochs: 1, batchSize: 6, patience: 0)
        func head() -> PooledBagHead {
            var generator = SeededGenerator(seed: 14)
            return PooledBagHead(pooling: AttentionPooling(inputWidth: 4, hiddenWidth: 8, generator: &generator), inputWidth: 4, classCount: 1, generator: &generator)
        }
        let trained = head()
        let history = try trainer(.survival(.cox), options: options).train(trained, on: bags, training: Array(0..<6), validation: [])
        let padded = head()
        let optimizer = SGD(parameters: padded.parameters, learningRate: 0.1)
        optimizer.zeroGradients()
        let risks = padded.forward(try BagBatch(bags: bags.features), mode: .training).logits
        let outcomes = bags.targets.map { if case .survival(let o) = $0 { return o } else { preconditionFailure() } }
        let loss = CoxPartialLikelihood.loss(risks: risks, outcomes: outcomes)
        XCTAssertGreaterThan(loss.value, 0)
        XCTAssertEqual(history[0].trainingLoss, loss.value, accuracy: 1e-5)
        _ = padded.backward(loss.gradient)
        optimizer.step()
        for (a, b) in zip(trained.parameters, padded.parameters) {
            for (u, v) in zip(a.value.storage, b.value.storage) { XCTAssertEqual(u, v, accuracy: 1e-5) }
        }
    }

    /// Task runs get the divergence checks of the one loop: a NaN learning rate stops training in
    /// epoch 1 (the task trainer used to train on and report a NaN loss).
    func testTaskTrainingStopsWhenItDiverges() throws {
        let bags = classBags(count: 12, classes: 3, seed: 15)
        var broken = options
        broken.learningRate = .nan
        var generator = SeededGenerator(seed: 16)
        let head = PooledBagHead(pooling: AttentionPooling(inputWidth: 4, hiddenWidth: 8, generator: &generator), inputWidth: 4, classCount: 3, generator: &generator)
        XCTAssertThrowsError(try trainer(.multiclass(classCount: 3, classWeights: nil), options: broken)
            .train(head, on: bags, training: Array(0..<12), validation: [])) { error in
            XCTAssertEqual((error as? TrainingDivergedError)?.epoch, 1, "\(error)")
        }
    }

    func testBinaryObjectiveLossIsTheClassWeightedMeanBCE() {
        let logits = Tensor(shape: [3, 1], storage: [0.5, -1, 2])
        let labels = [true, false, false]
        let weighted = BinaryObjective(negativeWeight: 0.5, positiveWeight: 2).loss(logits: logits, targets: labels)
        func bce(_ x: Float, _ y: Float) -> Float { max(x, 0) - x * y + log1pf(expf(-abs(x))) }
        XCTAssertEqual(weighted.value, (2 * bce(0.5, 1) + 0.5 * bce(-1, 0) + 0.5 * bce(2, 0)) / 3, accuracy: 1e-6)
        XCTAssertEqual(weighted.gradient.storage[0], 2 * (Sigmoid.logistic(0.5) - 1) / 3, accuracy: 1e-6)
        let plain = BinaryObjective().loss(logits: logits, targets: labels)
        let reference = BinaryCrossEntropyWithLogits.loss(logits: logits, targets: Tensor(shape: [3, 1], storage: [1, 0, 0]))
        XCTAssertEqual(plain.value, reference.value, accuracy: 1e-6)
        for (a, b) in zip(plain.gradient.storage, reference.gradient.storage) { XCTAssertEqual(a, b, accuracy: 1e-7) }
        XCTAssertEqual(BinaryObjective(negativeWeight: 0.5, positiveWeight: 2).validationLoss(logits: logits, targets: labels), reference.value,
                       accuracy: 1e-6, "the validation loss is unweighted")
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
        var generator = SeededGenerator(seed: 4)
        var counts = [0, 0, 0]
        for _ in 0..<30 {
            for index in BagSampling.balanced.epoch(Array(0..<100), strata: targets.map(\.stratum), using: &generator) {
                if case .classIndex(let c) = targets[index] { counts[c] += 1 }
            }
        }
        for count in counts { XCTAssertEqual(Double(count) / 3000, 1.0 / 3, accuracy: 0.03, "\(counts)") }
        let shuffled = BagSampling.shuffle.epoch(Array(0..<100), strata: targets.map(\.stratum), using: &generator)
        XCTAssertEqual(shuffled.sorted(), Array(0..<100), "without balancing every bag comes once")
        XCTAssertEqual(BagTarget.survival(SurvivalOutcome(time: 1, event: false)).stratum, 0)
    }

    /// CLAM-MB with its instance term still learns, and the term's gradient scale is applied:
    /// the instance classifiers move only when the term is on.
    func testCLAMInstanceTermTrainsTheInstanceClassifiers() throws {
        let training = classBags(count: 60, classes: 3, seed: 1), held = classBags(count: 60, classes: 3, seed: 2)
        var quick = options
        quick.epochs = 15
        let task = MILTask.multiclass(classCount: 3, classWeights: nil)
        for weight: Float in [0, 0.3] {
            var generator = SeededGenerator(seed: 5)
            let head = CLAMMultiBranch(inputWidth: 4, embeddingWidth: 8, attentionWidth: 4, classCount: 3, dropout: 0, generator: &generator)
            let before = head.instanceClassifiers.map(\.weight.value)
            let trainer = trainer(task, options: quick, instanceLoss: InstanceLossOptions(weight: weight, topK: 2))
            _ = try trainer.train(head, on: training, training: Array(0..<training.count), validation: [])
            XCTAssertGreaterThanOrEqual(try XCTUnwrap(try evaluate(trainer, head, on: held, task: task).measure), 0.9, "weight \(weight)")
            let moved = zip(before, head.instanceClassifiers.map(\.weight.value)).map { $0.maxAbsoluteDifference(to: $1) }.max()!
            if weight == 0 { XCTAssertEqual(moved, 0, "weight decay is 0: untouched classifiers stay put") } else { XCTAssertGreaterThan(moved, 0.01) }
        }
    }

    /// Tasks (with their survival bins) and targets survive a JSON round trip, so a saved model
    /// can record what it was trained for.
    func testTasksAndTargetsRoundTripThroughJSON() throws {
        let tasks: [MILTask] = [.multiclass(classCount: 4, classWeights: [1, 2, 1, 1]), .multiclass(classCount: 4, classWeights: nil),
                                .survival(.discreteTime(bins: SurvivalBins(edges: [0, 1.5, 3, 9]), alpha: 0.4)), .survival(.cox)]
        XCTAssertEqual(try JSONDecoder().decode([MILTask].self, from: JSONEncoder().encode(tasks)), tasks)
        let targets: [BagTarget] = [.classIndex(2), .survival(SurvivalOutcome(time: 12.5, event: false))]
        XCTAssertEqual(try JSONDecoder().decode([BagTarget].self, from: JSONEncoder().encode(targets)), targets)
        let record = MILEpochRecord(epoch: 1, trainingLoss: 0.5, validationLoss: 0.25, validation: TaskMeasure(0.75))
        let object = try XCTUnwrap(try JSONSerialization.jsonObject(with: JSONEncoder().encode(record)) as? [String: Any])
        XCTAssertEqual(object.keys.sorted(), ["epoch", "trainingLoss", "validationLoss", "validationMeasure"], "metrics.json's epoch keys")
        XCTAssertEqual(try JSONDecoder().decode(MILEpochRecord<TaskMeasure>.self, from: JSONEncoder().encode(record)), record)
    }
}
