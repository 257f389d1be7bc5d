import Foundation
import MNISTBags
import RunSupport
import Store
import Tensor

/// Errors of the MNIST-bags pipeline.
public enum MNISTBagsError: Error, CustomStringConvertible {
    case cannotCreateFolder(path: String, reason: String)
    /// Settings that pass their ranges but cannot run together.
    case invalidSettings(String)

    public var description: String {
        switch self {
        case let .cannotCreateFolder(path, reason):
            return "\(path): cannot create the run folder (\(reason))"
        case let .invalidSettings(problem):
            return problem
        }
    }
}

/// `slidemil mnist`: pretrain the MNIST ResNet, extract features, draw bags, train and evaluate a
/// MIL model (`MNISTBinaryMIL` for the target-digit task, `MNISTTwoDigitMIL` for the four-class
/// one), and write the run folder.
///
/// Run folder: `cnn.safetensors` (torchvision names), `features.safetensors` (train/test
/// features; both carry the hash of the settings that made them and are reused when it matches),
/// `mil.safetensors`, `config.yaml` (effective settings), `metrics.json`, `predictions.csv` and,
/// for the target-digit task, `attention.png`. Every file is written to a temporary name and
/// renamed into place.
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
        let context = MNISTMILContext(config: config, train: train, test: test, trainingPool: trainingPool, testPool: testPool,
                                      features: features, outputDirectory: outputDirectory, log: log)
        var metrics = config.bags.task == .twoDigits ? try MNISTTwoDigitMIL.run(context) : try MNISTBinaryMIL.run(context)
        metrics.pretraining = pretraining
        metrics.reusedFeatures = pretraining.isEmpty
        metrics.secondsPretraining = secondsPretraining
        metrics.secondsFeatures = secondsFeatures
        metrics.secondsMIL = Date().timeIntervalSince(milStart)
        metrics.secondsTotal = Date().timeIntervalSince(started)
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        try AtomicFile.write(try encoder.encode(metrics), to: file("metrics.json"))
        return metrics
    }

    /// A configured pool size resolved against the split: 0 means all, larger is clamped.
    static func poolSize(_ configured: Int, available: Int) -> Int {
        configured <= 0 ? available : min(configured, available)
    }

    private func file(_ name: String) -> URL { outputDirectory.appendingPathComponent(name) }
}
