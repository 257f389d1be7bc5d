extension Tensor {
    /// A tensor of the same shape with `transform` applied to every element.
    @inlinable
    public func map(_ transform: (Float) -> Float) -> Tensor {
        Tensor(shape: shape, storage: storage.map(transform))
    }

    /// Combines two tensors of identical shape element by element.
    /// - Precondition: `shape == other.shape` (no broadcasting).
    @inlinable
    public func zipMap(_ other: Tensor, _ combine: (Float, Float) -> Float) -> Tensor {
        precondition(shape == other.shape, "shape mismatch \(shape) vs \(other.shape)")
        var result = self
        result.storage.withUnsafeMutableBufferPointer { out in
            other.storage.withUnsafeBufferPointer { rhs in
                for index in out.indices { out[index] = combine(out[index], rhs[index]) }
            }
        }
        return result
    }

    /// Elementwise sum of tensors of identical shape.
    public static func + (lhs: Tensor, rhs: Tensor) -> Tensor { lhs.zipMap(rhs, +) }
    /// Elementwise difference of tensors of identical shape.
    public static func - (lhs: Tensor, rhs: Tensor) -> Tensor { lhs.zipMap(rhs, -) }
    /// Elementwise (Hadamard) product of tensors of identical shape.
    public static func * (lhs: Tensor, rhs: Tensor) -> Tensor { lhs.zipMap(rhs, *) }
    /// Every element multiplied by `scalar`.
    public static func * (lhs: Tensor, scalar: Float) -> Tensor { lhs.map { $0 * scalar } }

    /// Adds `other` (same shape) in place, scaled by `scale`: `self += scale · other`.
    public mutating func add(_ other: Tensor, scale: Float = 1) {
        precondition(shape == other.shape, "shape mismatch \(shape) vs \(other.shape)")
        storage.withUnsafeMutableBufferPointer { out in
            other.storage.withUnsafeBufferPointer { rhs in
                for index in out.indices { out[index] += scale * rhs[index] }
            }
        }
    }

    /// Sets every element to `value` without reallocating.
    public mutating func fill(_ value: Float) {
        storage.withUnsafeMutableBufferPointer { out in
            for index in out.indices { out[index] = value }
        }
    }
}
