import Backbones
import Foundation
import Heatmap
import MIL
import MNISTBags
import NN
import RunSupport
import Store
import Tensor

/// Errors of the MNIST-bags pipeline.
public enum MNISTBagsError: Error, CustomStringConvertible {
    case cannotCreateFolder(path: String, reason: String)

    public var description: String {
        switch self {
        case let .cannotCreateFolder(path, reason):
            return "\(path): cannot create the run folder (\(reason))"
        }
    }
}

/// `slidemil mnist`: pretrain the MNIST ResNet, extract features, draw bags, train and evaluate a
/// MIL model, and write the run folder.
///
/// Run folder: `cnn.safetensors` (torchvision names), `features.safetensors` (train/test
/// features; both carry the hash of the settings that made them and are reused when it matches),
/// `mil.safetensors`, `config.yaml` (effective settings), `metrics.json`, `predictions.csv`,
/// `attention.png`. Every file is written to a temporary name and renamed into place.
public struct MNISTBagsPipeline {
    public var config: MNISTBagsConfig
    public var outputDirectory: URL
    /// Receives one line per stage and per epoch.
    public var log: (String) -> Void
    /// Draws progress bars (pass false in tests).
    public var showProgress: Bool

    /// A pipeline writing into `outputDirectory` (created if missing).
    public init(config: MNISTBagsConfig, outputDirectory: URL, showProgress: Bool = true, log: @escaping (String) -> Void = { _ in }) {
        self.config = config
        self.outputDirectory = outputDirectory
        self.showProgress = showProgress
        self.log = log
    }

    /// Runs every stage and returns the metrics (also written to `metrics.json`).
    public func run() throws -> MNISTBagsMetrics {
        let started = Date()
        try config.validate()
        do {
            try AtomicFile.createFolder(outputDirectory)
        } catch {
            throw MNISTBagsError.cannotCreateFolder(path: outputDirectory.path, reason: error.localizedDescription)
        }
        try AtomicFile.write(Data(try ConfigLoader.yaml(config).utf8), to: file("config.yaml"))
        let train = try MNISTDataset.load(.train)
        let test = try MNISTDataset.load(.test)

        let trainingPool = Self.poolSize(config.bags.trainingPool, available: train.labels.count)
        let testPool = Self.poolSize(config.bags.testPool, available: test.labels.count)
        let cache = MNISTFeatureCache(folder: outputDirectory, key: try MNISTFeatureCache.key(
            pretraining: config.pretraining, trainingPool: trainingPool, testPool: testPool))
        var pretraining: [MNISTPretrainingEpoch] = []
        var secondsPretraining = 0.0, secondsFeatures = 0.0
        let features: (train: Tensor, test: Tensor)
        if let cached = cache.load() {
            features = cached
            log("reusing CNN features from \(cache.featuresURL.lastPathComponent) (same pretraining settings)")
        } else {
            let pretrainStart = Date()
            let settings = config.pretraining
            let progress = ProgressReporter(label: "pretraining", unit: "images", total: nil, enabled: showProgress)
            let (model, history) = MNISTPretraining.train(settings, on: train, seed: settings.seed, onEpoch: { epoch in
                progress.finish()
                log(String(format: "CNN epoch %d: loss %.4f, validation accuracy %.4f (%.0fs)", epoch.epoch, epoch.loss, epoch.validationAccuracy, epoch.seconds))
            }, onBatch: { progress.advance(by: $0) })
            pretraining = history
            secondsPretraining = Date().timeIntervalSince(pretrainStart)
            let featureStart = Date()
            let extraction = ProgressReporter(label: "features", unit: "images", total: trainingPool + testPool, enabled: showProgress)
            let trainFeatures = try MNISTPretraining.features(of: train, count: trainingPool, using: model, batchSize: settings.featureBatchSize) { extraction.advance(by: $0) }
            let testFeatures = try MNISTPretraining.features(of: test, count: testPool, using: model, batchSize: settings.featureBatchSize) { extraction.advance(by: $0) }
            extraction.finish()
            secondsFeatures = Date().timeIntervalSince(featureStart)
            features = (trainFeatures, testFeatures)
            try cache.store(model: model, train: trainFeatures, test: testFeatures)
            log(String(format: "features: %d-d for %d + %d images (%.0fs)", trainFeatures.shape[1], trainingPool, testPool, secondsFeatures))
        }

        let milStart = Date()
        let trainingBags = try drawBags(count: config.bags.trainingBags, labels: Array(train.labels.prefix(trainingPool)), seed: config.seed &+ 101)
        let testBags = try drawBags(count: config.bags.testBags, labels: Array(test.labels.prefix(testPool)), seed: config.seed &+ 202)
        let trainingSet = Self.labelledBags(trainingBags, features: features.train)
        let testSet = Self.labelledBags(testBags, features: features.test)
        let trainingPositiveRate = Double(trainingBags.filter(\.isPositive).count) / Double(trainingBags.count)
        let testPositiveRate = Double(testBags.filter(\.isPositive).count) / Double(testBags.count)
        log(String(format: "bags: %d train (%.1f%% positive), %d test (%.1f%% positive), target digit %d",
                   trainingBags.count, 100 * trainingPositiveRate, testBags.count, 100 * testPositiveRate, Int(config.bags.targetDigit)))

        let model = config.model.makeModel(inputWidth: features.train.shape[1], seed: config.seed &+ 303)
        let trainer = MILTrainer(options: config.training)
        let history = try trainer.train(model, on: trainingSet) { record in
            log(String(format: "MIL epoch %d: train loss %.4f", record.epoch, record.trainingLoss)
                + (record.validationLoss.map { String(format: ", validation loss %.4f", $0) } ?? "")
                + (record.validationAccuracy.map { String(format: ", accuracy %.4f", $0) } ?? ""))
        }
        let evaluation = try trainer.evaluate(model, on: testSet)
        let secondsMIL = Date().timeIntervalSince(milStart)

        let majority = trainingPositiveRate >= 0.5 ? testPositiveRate : 1 - testPositiveRate
        var hits = 0, positives = 0
        for (bag, prediction) in zip(testBags, evaluation.predictions) where bag.isPositive {
            positives += 1
            if test.labels[bag.instances[prediction.topInstance]] == config.bags.targetDigit { hits += 1 }
        }
        let confusion = evaluation.confusion
        let metrics = MNISTBagsMetrics(
            pretraining: pretraining, reusedFeatures: pretraining.isEmpty, featureWidth: features.train.shape[1],
            trainingBags: trainingBags.count, testBags: testBags.count, trainingPositiveRate: trainingPositiveRate,
            testPositiveRate: testPositiveRate, majorityBaselineAccuracy: majority, milHistory: history, testLoss: evaluation.loss,
            testAccuracy: confusion.accuracy ?? 0, testAUC: evaluation.auc, testBalancedAccuracy: confusion.balancedAccuracy,
            confusion: confusion, topInstanceTargetRate: positives > 0 ? Double(hits) / Double(positives) : nil,
            secondsPretraining: secondsPretraining, secondsFeatures: secondsFeatures, secondsMIL: secondsMIL,
            secondsTotal: Date().timeIntervalSince(started))

        try SafeTensorsArchive.write(model.stateDictionary(), metadata: ["pooling": config.model.pooling.rawValue,
                                                                         "classifier": config.model.classifier.rawValue],
                                     to: file("mil.safetensors"))
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        try AtomicFile.write(try encoder.encode(metrics), to: file("metrics.json"))
        try AtomicFile.write(Data(MNISTBagsReport.predictionsCSV(bags: testBags, predictions: evaluation.predictions, labels: test.labels).utf8),
                             to: file("predictions.csv"))
        if config.figure.bags > 0 {
            let figure = MNISTBagsReport.figure(bags: testBags, predictions: evaluation.predictions, images: test.images,
                                                labels: test.labels, targetDigit: config.bags.targetDigit, count: config.figure.bags)
            try OutputFiles.writePNG(figure, to: file("attention.png"))
        }
        return metrics
    }

    /// A configured pool size resolved against the split: 0 means all, larger is clamped.
    static func poolSize(_ configured: Int, available: Int) -> Int {
        configured <= 0 ? available : min(configured, available)
    }

    private func file(_ name: String) -> URL { outputDirectory.appendingPathComponent(name) }

    private func drawBags(count: Int, labels: [UInt8], seed: UInt64) throws -> [DigitBag] {
        let b = config.bags
        let sizes: BagSizeDistribution = b.sizes == .uniform
            ? .uniform(b.minimumSize...max(b.minimumSize, b.maximumSize))
            : .normal(mean: b.meanSize, standardDeviation: b.sizeStandardDeviation)
        var generator = SeededGenerator(seed: seed)
        return try BagSampler(targetDigit: b.targetDigit, sizes: sizes, reuseAcrossBags: b.reuseAcrossBags, balanced: b.balanced)
            .sample(count: count, labels: labels, using: &generator)
    }

    /// Gathers each bag's feature rows into a [n, D] matrix.
    static func labelledBags(_ bags: [DigitBag], features: Tensor) -> LabelledBags {
        let d = features.shape[1]
        let matrices = bags.map { bag -> Tensor in
            var storage = [Float]()
            storage.reserveCapacity(bag.instances.count * d)
            for index in bag.instances { storage += features.storage[(index * d)..<((index + 1) * d)] }
            return Tensor(shape: [bag.instances.count, d], storage: storage)
        }
        return LabelledBags(features: matrices, labels: bags.map(\.isPositive))
    }
}
