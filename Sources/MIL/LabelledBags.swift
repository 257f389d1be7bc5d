import Tensor

/// Bags of instance features with binary labels, held in memory (a `BagCollection` of `Bool` targets).
public struct LabelledBags: Sendable {
    /// One [n_b, D] feature matrix per bag (n_b ≥ 1).
    public var features: [Tensor]
    /// The bag labels, parallel to `features`.
    public var labels: [Bool]

    /// - Precondition: one label per feature matrix.
    public init(features: [Tensor], labels: [Bool]) {
        precondition(features.count == labels.count, "\(features.count) bags but \(labels.count) labels")
        self.features = features
        self.labels = labels
    }

    /// Number of bags.
    public var count: Int { labels.count }

    /// The bags at `indices`, in that order.
    public func subset(_ indices: [Int]) -> LabelledBags {
        LabelledBags(features: indices.map { features[$0] }, labels: indices.map { labels[$0] })
    }
}
