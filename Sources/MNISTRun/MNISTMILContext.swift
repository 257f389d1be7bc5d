import Foundation
import MNISTBags
import Tensor

/// What the MIL part of a `slidemil mnist` run works from: the settings, both MNIST splits, the
/// CNN features of their pools and the run folder.
struct MNISTMILContext {
    let config: MNISTBagsConfig
    let train: MNISTDataset
    let test: MNISTDataset
    /// Bags draw from the first this many images of each split (resolved counts).
    let trainingPool: Int
    let testPool: Int
    /// [pool, D] features of the pooled train / test images.
    let features: (train: Tensor, test: Tensor)
    let outputDirectory: URL
    let log: (String) -> Void

    func file(_ name: String) -> URL { outputDirectory.appendingPathComponent(name) }

    /// The bag-size distribution of `config.bags`.
    var sizes: BagSizeDistribution {
        let b = config.bags
        return b.sizes == .uniform
            ? .uniform(b.minimumSize...max(b.minimumSize, b.maximumSize))
            : .normal(mean: b.meanSize, standardDeviation: b.sizeStandardDeviation)
    }

    /// The training and test bags, drawn by `sample` (a sampler's `sample(count:labels:using:)`)
    /// from each split's pool with its own generator (seeds `seed + 101` and `seed + 202`), so every
    /// task of the run draws its bags the same way.
    func drawBags<Bag>(_ sample: (_ count: Int, _ labels: [UInt8], _ generator: inout SeededGenerator) throws -> [Bag])
        rethrows -> (training: [Bag], test: [Bag]) {
        var trainingGenerator = SeededGenerator(seed: config.seed &+ 101)
        let training = try sample(config.bags.trainingBags, Array(train.labels.prefix(trainingPool)), &trainingGenerator)
        var testGenerator = SeededGenerator(seed: config.seed &+ 202)
        let test = try sample(config.bags.testBags, Array(self.test.labels.prefix(testPool)), &testGenerator)
        return (training, test)
    }

    /// Each bag's feature rows gathered into an [n, D] matrix.
    static func gather(_ bags: [[Int]], features: Tensor) -> [Tensor] {
        let d = features.shape[1]
        return bags.map { instances -> Tensor in
            var storage = [Float]()
            storage.reserveCapacity(instances.count * d)
            for index in instances { storage += features.storage[(index * d)..<((index + 1) * d)] }
            return Tensor(shape: [instances.count, d], storage: storage)
        }
    }

    /// The seeded split of `count` training bags into those trained on and the
    /// `training.validationFraction` held out for early stopping (at least one bag trains).
    /// Seeded by `training.seed`, so MIL seeds can vary over the same bags.
    func validationSplit(count: Int) -> (training: [Int], validation: [Int]) {
        var generator = SeededGenerator(seed: config.training.seed)
        let order = Array(0..<count).shuffled(using: &generator)
        let held = min(count - 1, Int((Double(count) * config.training.validationFraction).rounded()))
        return (Array(order.dropFirst(held)), Array(order.prefix(held)))
    }
}
