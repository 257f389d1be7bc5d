import Tensor

/// How each epoch orders the training bags.
public enum BagSampling: String, Codable, CaseIterable, Sendable {
    /// Every training bag once, in a seeded random order.
    case shuffle
    /// As many draws as training bags, with replacement, each class drawn with equal
    /// probability (CLAM's weighted sampler): minority-class bags are seen more often.
    case balanced

    /// The bags of one epoch: a permutation of `training`, or with `.balanced` as many draws
    /// with replacement where each class present has probability 1/2 (uniform within a class;
    /// with one class only, a permutation).
    public func epoch(_ training: [Int], labels: [Bool], using generator: inout SeededGenerator) -> [Int] {
        let positives = training.filter { labels[$0] }, negatives = training.filter { !labels[$0] }
        guard self == .balanced, !positives.isEmpty, !negatives.isEmpty else { return training.shuffled(using: &generator) }
        return training.indices.map { _ in
            let pool = Bool.random(using: &generator) ? positives : negatives
            return pool[Int.random(in: 0..<pool.count, using: &generator)]
        }
    }
}
