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
