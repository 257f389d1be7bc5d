extension Tensor {
    /// Sum of all elements, accumulated in Double so large tensors do not lose precision.
    public func sum() -> Float {
        var total = 0.0
        for value in storage { total += Double(value) }
        return Float(total)
    }

    /// Mean of all elements; NaN for an empty tensor.
    public func mean() -> Float {
        count == 0 ? .nan : Float(Double(sum()) / Double(count))
    }

    /// Largest element; `-infinity` for an empty tensor.
    public func max() -> Float {
        storage.max() ?? -.infinity
    }

    /// Index (row-major) of the first largest element; `nil` for an empty tensor.
    public func argmax() -> Int? {
        guard var best = storage.indices.first else { return nil }
        for index in storage.indices where storage[index] > storage[best] { best = index }
        return best
    }

    /// Sums over `axis`, removing that dimension (e.g. [N, C] summed over 0 gives [C]).
    public func sum(alongAxis axis: Int) -> Tensor {
        precondition(axis >= 0 && axis < rank, "axis \(axis) out of range for rank \(rank)")
        let outer = shape[..<axis].reduce(1, *)
        let length = shape[axis]
        let inner = shape[(axis + 1)...].reduce(1, *)
        var resultShape = shape
        resultShape.remove(at: axis)
        var result = Tensor(shape: resultShape)
        for o in 0..<outer {
            for l in 0..<length {
                let base = (o * length + l) * inner
                for i in 0..<inner { result.storage[o * inner + i] += storage[base + i] }
            }
        }
        return result
    }

    /// Largest absolute elementwise difference to `other` (same shape); handy for tests.
    public func maxAbsoluteDifference(to other: Tensor) -> Float {
        precondition(shape == other.shape, "shape mismatch \(shape) vs \(other.shape)")
        var worst: Float = 0
        for index in storage.indices { worst = Swift.max(worst, abs(storage[index] - other.storage[index])) }
        return worst
    }
}
