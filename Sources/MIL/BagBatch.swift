import Tensor

/// Errors from assembling bags into a batch.
public enum BagBatchError: Error, Equatable, CustomStringConvertible {
    /// A bag holds no instance; pooling over nothing is undefined.
    case emptyBag(index: Int)
    /// Bags must share one feature width.
    case featureWidthMismatch(index: Int, expected: Int, found: Int)
    /// A bag's features must be a rank-2 [instances, features] tensor.
    case notAMatrix(index: Int, shape: [Int])

    public var description: String {
        switch self {
        case .emptyBag(let index):
            return "bag \(index) holds no instance; every bag needs at least one"
        case let .featureWidthMismatch(index, expected, found):
            return "bag \(index) has \(found)-wide features, expected \(expected) like the first bag"
        case let .notAMatrix(index, shape):
            return "bag \(index) has features of shape \(shape), expected [instances, features]"
        }
    }
}

/// A mini-batch of bags of different sizes: features zero-padded to [B, Nmax, D] plus a mask.
///
/// `mask[b * maxInstances + i]` is true for a real instance. Real instances may sit anywhere in a
/// row (not only as a prefix); every pooling treats masked-out rows as absent: they get zero
/// weight, never change the pooled vector and receive zero gradient, whatever values they hold.
/// Memory is O(B·Nmax·D); nothing is quadratic in the bag size.
public struct BagBatch: Sendable {
    /// [B, Nmax, D] instance features; padded rows may hold anything (pooling zeroes them).
    public let features: Tensor
    /// B·Nmax flags, row-major like `features`' first two axes; true = real instance.
    public let mask: [Bool]

    /// Number of bags B.
    public var bagCount: Int { features.shape[0] }
    /// Padded length Nmax.
    public var maxInstances: Int { features.shape[1] }
    /// Feature width D.
    public var featureWidth: Int { features.shape[2] }

    /// A batch from an explicit padded tensor and mask.
    /// - Precondition: `features` is rank 3, `mask.count == B·Nmax`, each bag has a real instance.
    public init(features: Tensor, mask: [Bool]) {
        precondition(features.rank == 3, "BagBatch features must be [B, Nmax, D], got \(features.shape)")
        precondition(mask.count == features.shape[0] * features.shape[1], "mask of \(mask.count) flags for \(features.shape)")
        let n = features.shape[1]
        for b in 0..<features.shape[0] {
            precondition(mask[(b * n)..<((b + 1) * n)].contains(true), "bag \(b) has no real instance")
        }
        self.features = features
        self.mask = mask
    }

    /// Pads bags given as [n_b, D] matrices to the longest one; real instances come first.
    /// - Throws: `BagBatchError` for an empty bag, a non-matrix or mismatched widths.
    public init(bags: [Tensor]) throws {
        precondition(!bags.isEmpty, "a BagBatch needs at least one bag")
        var width = 0
        for (index, bag) in bags.enumerated() {
            guard bag.rank == 2 else { throw BagBatchError.notAMatrix(index: index, shape: bag.shape) }
            guard bag.shape[0] > 0 else { throw BagBatchError.emptyBag(index: index) }
            if index == 0 { width = bag.shape[1] }
            guard bag.shape[1] == width else {
                throw BagBatchError.featureWidthMismatch(index: index, expected: width, found: bag.shape[1])
            }
        }
        let longest = bags.map { $0.shape[0] }.max()!
        var storage = [Float](repeating: 0, count: bags.count * longest * width)
        var mask = [Bool](repeating: false, count: bags.count * longest)
        for (b, bag) in bags.enumerated() {
            let start = b * longest * width
            storage.replaceSubrange(start..<(start + bag.count), with: bag.storage)
            for i in 0..<bag.shape[0] { mask[b * longest + i] = true }
        }
        self.features = Tensor(shape: [bags.count, longest, width], storage: storage)
        self.mask = mask
    }

    /// Number of real instances in bag `b`.
    public func instanceCount(_ b: Int) -> Int {
        mask[(b * maxInstances)..<((b + 1) * maxInstances)].reduce(0) { $0 + ($1 ? 1 : 0) }
    }

    /// The features as [B·Nmax, D] rows with every padded row set to zero, so that layers applied
    /// row-wise never see (or backpropagate) padding values such as NaN.
    public func zeroPaddedRows() -> Tensor {
        let d = featureWidth
        var rows = features.reshaped([bagCount * maxInstances, d])
        rows.withUnsafeMutableBufferPointer { p in
            for (row, isReal) in mask.enumerated() where !isReal {
                for j in 0..<d { p[row * d + j] = 0 }
            }
        }
        return rows
    }

    /// The real instance weights of bag `b` from a [B, Nmax] weight tensor, in row order.
    public func realValues(of weights: Tensor, bag b: Int) -> [Float] {
        let n = maxInstances
        return (0..<n).compactMap { mask[b * n + $0] ? weights.storage[b * n + $0] : nil }
    }
}
