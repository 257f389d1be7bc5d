extension Tensor {
    /// A tensor of zeros.
    public static func zeros(_ shape: [Int]) -> Tensor {
        Tensor(shape: shape)
    }

    /// A tensor with independent uniform samples in [`lower`, `upper`) drawn from `generator`.
    public static func uniform(_ shape: [Int], in lower: Float, _ upper: Float, generator: inout SeededGenerator) -> Tensor {
        var result = Tensor(shape: shape)
        for index in result.storage.indices {
            result.storage[index] = generator.nextUniform(in: lower, upper)
        }
        return result
    }

    /// A tensor with independent normal samples of mean `mean` and standard deviation `standardDeviation`.
    public static func normal(_ shape: [Int], mean: Float = 0, standardDeviation: Float = 1, generator: inout SeededGenerator) -> Tensor {
        var result = Tensor(shape: shape)
        for index in result.storage.indices {
            result.storage[index] = mean + standardDeviation * generator.nextNormal()
        }
        return result
    }
}

extension Tensor {
    /// A tensor of `shape` whose elements are left as the allocator returned them, for a result
    /// the caller overwrites in full before anyone reads it (a kernel's output): it saves the
    /// zero-fill pass over memory that is about to be written anyway. Reading an element that was
    /// not written gives an unspecified value.
    public static func uninitialized(_ shape: [Int]) -> Tensor {
        precondition(shape.allSatisfy { $0 >= 0 }, "negative dimension in \(shape)")
        let count = shape.reduce(1, *)
        return Tensor(shape: shape, storage: [Float](unsafeUninitializedCapacity: count) { _, initialized in initialized = count })
    }
}
