import Tensor

/// Bags of instance features with one training target each, fetched one at a time, so training
/// can stream bags from disk instead of holding every feature matrix in memory.
///
/// `Target` is what the task's `MILObjective` learns: a binary label (`Bool`) for slide and MNIST
/// bags, a class index or a survival outcome for the task bags of `MILTasks`.
public protocol BagCollection<Target>: Sendable {
    associatedtype Target
    /// Number of bags.
    var count: Int { get }
    /// The targets, one per bag.
    var targets: [Target] { get }
    /// The [n, D] feature matrix of bag `index` (may read a file; may throw).
    func bag(_ index: Int) throws -> Tensor
}

extension BagCollection where Target == Bool {
    /// The binary labels (the targets of binary bags).
    public var labels: [Bool] { targets }
}
