import MIL
import NN
import Tensor
import XCTest

/// Feature standardisation, the instance embedding and CLAM's instance-clustering loss: values
/// against direct computation, gradients against central differences, and a training run in
/// which the instance classifier must learn which instances are the positive ones.
final class InstanceClusteringTests: XCTestCase {
    private let step: Float = 2e-3

    func testStandardizationFitsTheTrainingInstancesOnly() throws {
        // Column 0 varies, column 1 is constant 7, column 2 is offset by 1000 (one-pass variance trap).
        let a = Tensor(shape: [3, 3], storage: [1, 7, 1000.5, 2, 7, 1001.5, 3, 7, 1000.0])
        let b = Tensor(shape: [2, 3], storage: [6, 7, 1002.0, 8, 7, 999.0])
        let held = Tensor(shape: [1, 3], storage: [1e6, 1e6, 1e6])
        let bags = LabelledBags(features: [a, b, held], labels: [true, false, true])
        let standardization = FeatureStandardization(width: 3)
        try standardization.fit(on: bags, indices: [0, 1])
        let values: [[Double]] = [[1, 2, 3, 6, 8], [7, 7, 7, 7, 7], [1000.5, 1001.5, 1000, 1002, 999]]
        for (j, column) in values.enumerated() {
            let mean = column.reduce(0, +) / 5
            let std = (column.map { ($0 - mean) * ($0 - mean) }.reduce(0, +) / 5).squareRoot()
            XCTAssertEqual(Double(standardization.mean.value.storage[j]), mean, accuracy: 1e-4, "mean of column \(j)")
            XCTAssertEqual(Double(standardization.scale.value.storage[j]), std == 0 ? 1 : 1 / std, accuracy: 1e-5, "scale of column \(j)")
        }
        let out = standardization.forward(try BagBatch(bags: [a, b]))
        let column0 = (0..<out.bagCount * out.maxInstances).filter { out.mask[$0] }.map { out.features.storage[$0 * 3] }
        XCTAssertEqual(column0.reduce(0, +), 0, accuracy: 1e-5)
        XCTAssertEqual(column0.map { $0 * $0 }.reduce(0, +) / 5, 1, accuracy: 1e-5)
    }

    func testExtremesAreTheMostAndLeastAttendedAndNeverOverlap() {
        let weights: [Float] = [0.1, 0.5, 0.2, 0.9, 0.3]
        XCTAssertEqual(InstanceClustering.extremes(of: weights, k: 2).top, [3, 1])
        XCTAssertEqual(InstanceClustering.extremes(of: weights, k: 2).bottom, [0, 2])
        XCTAssertEqual(InstanceClustering.extremes(of: weights, k: 8).top.count, 2, "k is capped at n/2")
        XCTAssertTrue(InstanceClustering.extremes(of: [1], k: 8).top.isEmpty, "a one-instance bag has no pseudo-labels")
    }

    /// The whole CLAM-style model: standardisation (fitted, not identity), embedding, gated
    /// attention, MLP classifier and instance classifiers, loss (1 − w)·BCE + w·instance loss.
    func testFullModelGradientsMatchFiniteDifferences() throws {
        let configuration = MILModelConfiguration(pooling: .gatedAttention, classifier: .mlp, attentionHidden: 3, classifierHidden: 4,
                                                  dropout: 0, standardizeFeatures: true, embeddingWidth: 5, instanceClassifiers: true)
        let width = 4
        var generator = SeededGenerator(seed: 11)
        let bags = (0..<2).map { b in Tensor.normal([6 + b, width], mean: 3, standardDeviation: 2, generator: &generator) }
        let model = configuration.makeModel(inputWidth: width, seed: 4)
        try model.fitStandardization(on: LabelledBags(features: bags, labels: [true, false]), indices: [0, 1])
        XCTAssertNotEqual(model.standardization!.mean.value.storage[0], 0)
        let weight: Float = 0.3, k = 2
        for (bag, label) in zip(bags, [true, false]) {
            let batch = try BagBatch(bags: [bag])
            let target = Tensor(shape: [1], storage: [label ? 1 : 0])
            // The loss is piecewise smooth: it jumps where the attention ranking, and so the
            // pseudo-labelled set, changes. Coordinates whose ±step crosses such a jump are skipped.
            // Gradient scale 0: evaluating the loss must not add to the analytic gradients.
            var crossings = 0, checked = 0
            let selection = { (attention: Tensor) in InstanceClustering.extremes(of: attention.storage, k: k) }
            let baseSelection = selection(model.forward(batch, mode: .inference).instanceWeights)
            func lossOf(_ batch: BagBatch) -> Float? {
                let (logits, attention) = model.forward(batch, mode: .training)
                guard selection(attention) == baseSelection else { return nil }
                let bagLoss = BinaryCrossEntropyWithLogits.loss(logits: logits, targets: target).value
                let instance = model.instanceClusteringLoss(labels: [label], instanceWeights: attention, k: k, gradientScale: 0).value
                return (1 - weight) * bagLoss + weight * instance
            }
            func loss() -> Float? { lossOf(batch) }
            for parameter in model.parameters { parameter.zeroGradient() }
            let (logits, attention) = model.forward(batch, mode: .training)
            let bagLoss = BinaryCrossEntropyWithLogits.loss(logits: logits, targets: target)
            let instance = model.instanceClusteringLoss(labels: [label], instanceWeights: attention, k: k, gradientScale: weight)
            XCTAssertGreaterThan(instance.value, 0)
            let inputGradient = model.backward(bagLoss.gradient * (1 - weight), pooledInputGradient: instance.pooledInputGradient)
            let analytic = model.namedParameters.map { ($0.name, $0.parameter.gradient.storage) }
            for ((name, gradient), parameter) in zip(analytic, model.parameters) {
                let unusedClassifier = name.hasPrefix(label ? "instance.negative" : "instance.positive")
                for index in parameter.value.storage.indices {
                    let original = parameter.value.storage[index]
                    parameter.value.storage[index] = original + step
                    let up = loss()
                    parameter.value.storage[index] = original - step
                    let down = loss()
                    parameter.value.storage[index] = original
                    guard let up, let down else { crossings += 1; continue }
                    checked += 1
                    let numeric = (up - down) / (2 * step)
                    XCTAssertEqual(gradient[index], numeric, accuracy: 2e-3 + 2e-2 * abs(numeric), "\(name)[\(index)] bag \(label)")
                    if unusedClassifier { XCTAssertEqual(gradient[index], 0, "\(name) sees only bags of its class") }
                }
            }
            var shifted = bag
            for index in [0, 5, 13] {
                let original = bag.storage[index]
                shifted.storage[index] = original + step
                let up = lossOf(try BagBatch(bags: [shifted]))
                shifted.storage[index] = original - step
                let down = lossOf(try BagBatch(bags: [shifted]))
                shifted.storage[index] = original
                guard let up, let down else { crossings += 1; continue }
                let numeric = (up - down) / (2 * step)
                XCTAssertEqual(inputGradient.storage[index], numeric, accuracy: 2e-3 + 2e-2 * abs(numeric), "dx[\(index)] bag \(label)")
            }
            XCTAssertLessThan(crossings, checked / 20, "few coordinates sit at a ranking change")
        }
    }

    func testBalancedSamplingDrawsBothClassesEqually() {
        let labels = [true] + [Bool](repeating: false, count: 9)
        var generator = SeededGenerator(seed: 1)
        var positives = 0, draws = 0
        for _ in 0..<400 {
            let epoch = BagSampling.balanced.epoch(Array(0..<10), strata: labels.map { $0 ? 1 : 0 }, using: &generator)
            XCTAssertEqual(epoch.count, 10)
            positives += epoch.filter { labels[$0] }.count
            draws += epoch.count
        }
        XCTAssertEqual(Double(positives) / Double(draws), 0.5, accuracy: 0.03, "1 positive in 10 bags is drawn half the time")
        let shuffled = BagSampling.shuffle.epoch(Array(0..<10), strata: labels.map { $0 ? 1 : 0 }, using: &generator)
        XCTAssertEqual(shuffled.sorted(), Array(0..<10), "shuffle is a permutation")
        XCTAssertEqual(BagSampling.balanced.epoch([1, 2, 3], strata: labels.map { $0 ? 1 : 0 }, using: &generator).sorted(), [1, 2, 3],
                       "one class only: a permutation")
    }

    /// Bags of N(0, 1) instances; positive bags hold two instances shifted by +4 in the first
    /// dimensions. After training with the instance loss, the positive-class instance classifier
    /// must rank shifted instances above the others (chance: AUC 0.5).
    func testInstanceClassifierLearnsThePositiveInstances() throws {
        var generator = SeededGenerator(seed: 2)
        var features: [Tensor] = [], labels: [Bool] = [], shiftedRows: [Set<Int>] = []
        for index in 0..<40 {
            let positive = index % 2 == 0
            var bag = Tensor.normal([12, 6], generator: &generator)
            let rows: Set<Int> = positive ? [index % 12, (index + 5) % 12] : []
            for row in rows { for j in 0..<3 { bag.storage[row * 6 + j] += 4 } }
            features.append(bag); labels.append(positive); shiftedRows.append(rows)
        }
        let bags = LabelledBags(features: features, labels: labels)
        let configuration = MILModelConfiguration(pooling: .attention, classifier: .mlp, attentionHidden: 8, classifierHidden: 8,
                                                  dropout: 0, standardizeFeatures: true, embeddingWidth: 8, instanceClassifiers: true)
        let model = configuration.makeModel(inputWidth: 6, seed: 3)
        let trainer = MILTrainer(objective: BinaryObjective(),
                                 options: MILTrainingOptions(optimizer: .adam, learningRate: 5e-3, epochs: 25, batchSize: 4, patience: 0, seed: 1),
                                 sampling: .balanced, instanceLoss: InstanceLossOptions(weight: 0.5, topK: 2))
        _ = try trainer.train(model, on: bags, training: Array(0..<40), validation: [])
        var scores: [Float] = [], truth: [Bool] = []
        for (bag, rows) in zip(features, shiftedRows) where !rows.isEmpty {
            let embedded = model.embedding!.forward(model.standardization!.forward(try BagBatch(bags: [bag])), mode: .inference)
            let logits = model.instanceClustering!.positive.forward(embedded.features.reshaped([12, 8]), mode: .inference)
            scores += logits.storage
            truth += (0..<12).map { rows.contains($0) }
        }
        let auc = BinaryMetrics.rocAUC(scores: scores.map(Double.init), labels: truth)!
        XCTAssertGreaterThan(auc, 0.95, "instance classifier AUC on shifted instances")
    }
}
