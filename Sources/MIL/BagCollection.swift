import Tensor

/// Labelled bags that can be fetched one at a time, so training can stream bags from disk
/// instead of holding every feature matrix in memory.
public protocol BagCollection: Sendable {
    /// Number of bags.
    var count: Int { get }
    /// Bag labels, one per bag.
    var labels: [Bool] { get }
    /// The [n, D] feature matrix of bag `index` (may read a file; may throw).
    func bag(_ index: Int) throws -> Tensor
}

extension LabelledBags: BagCollection {
    /// The feature matrix held for bag `index`.
    public func bag(_ index: Int) throws -> Tensor { features[index] }
}
