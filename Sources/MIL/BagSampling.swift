import Tensor

/// How each epoch orders the training bags.
public enum BagSampling: String, Codable, CaseIterable, Sendable {
    /// Every training bag once, in a seeded random order.
    case shuffle
    /// As many draws as training bags, with replacement, each stratum (class, or event flag for
    /// survival) drawn with equal probability (CLAM's weighted sampler): bags of a small stratum
    /// are seen more often.
    case balanced

    /// The bags of one epoch: a permutation of `training`, or with `.balanced` as many draws with
    /// replacement, a stratum first (each present one equally likely, `strata[i]` the stratum of
    /// bag i), then a bag of it uniformly; with one stratum only, a permutation.
    public func epoch(_ training: [Int], strata: [Int], using generator: inout SeededGenerator) -> [Int] {
        let groups = Dictionary(grouping: training) { strata[$0] }.sorted { $0.key < $1.key }.map(\.value)
        guard self == .balanced, groups.count > 1 else { return training.shuffled(using: &generator) }
        return training.indices.map { _ in
            let group = groups[Int.random(in: 0..<groups.count, using: &generator)]
            return group[Int.random(in: 0..<group.count, using: &generator)]
        }
    }
}
