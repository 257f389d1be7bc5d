import MIL
import Tensor

/// Bags of instance features with one `BagTarget` each, held in memory.
public struct TaskBags: BagCollection {
    /// One [n_b, D] feature matrix per bag (n_b ≥ 1).
    public var features: [Tensor]
    /// The targets, parallel to `features`.
    public var targets: [BagTarget]

    /// - Precondition: one target per feature matrix.
    public init(features: [Tensor], targets: [BagTarget]) {
        precondition(features.count == targets.count, "\(features.count) bags but \(targets.count) targets")
        self.features = features
        self.targets = targets
    }

    public var count: Int { targets.count }

    /// The feature matrix held for bag `index`.
    public func bag(_ index: Int) throws -> Tensor { features[index] }
}
