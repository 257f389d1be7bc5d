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

    /// Adds `other` (same shape) in place, scaled by `scale`: `self += scale · other`. Large
    /// tensors are split across threads (`OpenMPLoop`).
    public mutating func add(_ other: Tensor, scale: Float = 1) {
        precondition(shape == other.shape, "shape mismatch \(shape) vs \(other.shape)")
        let count = count
        storage.withUnsafeMutableBufferPointer { out in
            other.storage.withUnsafeBufferPointer { rhs in
                guard let out = out.baseAddress, let rhs = rhs.baseAddress else { return }
                let factor = SIMD16<Float>(repeating: scale)
                OpenMPLoop.run(count, minimumPerChunk: Self.elementsPerThread) { range in
                    var i = range.lowerBound
                    while i + 16 <= range.upperBound {
                        let sum = UnsafeRawPointer(out + i).loadUnaligned(as: SIMD16<Float>.self)
                            + factor * UnsafeRawPointer(rhs + i).loadUnaligned(as: SIMD16<Float>.self)
                        UnsafeMutableRawPointer(out + i).storeBytes(of: sum, as: SIMD16<Float>.self)
                        i += 16
                    }
                    while i < range.upperBound { out[i] += scale * rhs[i]; i += 1 }
                }
            }
        }
    }

    /// Sets every element to `value` without reallocating; large tensors across threads.
    public mutating func fill(_ value: Float) {
        let count = count
        storage.withUnsafeMutableBufferPointer { out in
            guard let out = out.baseAddress else { return }
            OpenMPLoop.run(count, minimumPerChunk: Self.elementsPerThread) { range in
                (out + range.lowerBound).update(repeating: value, count: range.count)
            }
        }
    }

    /// Elements an element-wise pass must have before a second thread pays for its start.
    public static let elementsPerThread = 1 << 16
}
