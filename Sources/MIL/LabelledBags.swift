import Tensor

/// Bags of instance features held in memory, each with its target: binary labels (`Bool`) for
/// slide and MNIST bags, `MILTasks.BagTarget` for multi-class and survival bags (`TaskBags`).
public struct LabelledBags<Target: Sendable>: BagCollection, Sendable {
    /// One [n_b, D] feature matrix per bag (n_b ≥ 1).
    public var features: [Tensor]
    /// The targets, parallel to `features`.
    public var targets: [Target]

    /// - Precondition: one target per feature matrix.
    public init(features: [Tensor], targets: [Target]) {
        precondition(features.count == targets.count, "\(features.count) bags but \(targets.count) targets")
        self.features = features
        self.targets = targets
    }

    /// Number of bags.
    public var count: Int { targets.count }

    /// The feature matrix held for bag `index`.
    public func bag(_ index: Int) throws -> Tensor { features[index] }

    /// The bags at `indices`, in that order.
    public func subset(_ indices: [Int]) -> LabelledBags {
        LabelledBags(features: indices.map { features[$0] }, targets: indices.map { targets[$0] })
    }
}

extension LabelledBags where Target == Bool {
    /// Bags with binary labels.
    /// - Precondition: one label per feature matrix.
    public init(features: [Tensor], labels: [Bool]) {
        self.init(features: features, targets: labels)
    }
}
