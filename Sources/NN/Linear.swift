import Tensor

/// Fully connected layer `y = x·Wᵀ + b` on [N, in] batches, as `torch.nn.Linear`.
///
/// Parameters: `weight` [out, in], optional `bias` [out], PyTorch's default initialisation.
/// Training mode caches the input. Complexity: 2·N·in·out flops per pass.
public final class Linear: Layer {
    public let inputFeatures: Int
    public let outputFeatures: Int
    public let weight: Parameter
    public let bias: Parameter?
    private var cachedInput: Tensor?

    /// A linear layer initialised with kaiming-uniform (a = √5) weights and ±1/√in uniform bias.
    public init(inputFeatures: Int, outputFeatures: Int, bias: Bool = true, generator: inout SeededGenerator) {
        self.inputFeatures = inputFeatures
        self.outputFeatures = outputFeatures
        weight = Parameter(Initializers.defaultWeight([outputFeatures, inputFeatures], generator: &generator))
        self.bias = bias ? Parameter(Initializers.defaultBias(count: outputFeatures, fanIn: inputFeatures, generator: &generator)) : nil
    }

    public var namedParameters: [(name: String, parameter: Parameter)] {
        [(name: "weight", parameter: weight)] + (bias.map { [(name: "bias", parameter: $0)] } ?? [])
    }

    public func forward(_ input: Tensor, mode: Mode) -> Tensor {
        precondition(input.rank == 2 && input.shape[1] == inputFeatures, "Linear expects [N, \(inputFeatures)], got \(input.shape)")
        var output = input.matmul(weight.value, transposeOther: true)
        if let bias {
            let n = input.shape[0]
            for row in 0..<n {
                for o in 0..<outputFeatures { output.storage[row * outputFeatures + o] += bias.value.storage[o] }
            }
        }
        cachedInput = mode == .training ? input : nil
        return output
    }

    /// dW += dyᵀ·x (one gemm accumulating into the gradient, so a backward pass over a few rows
    /// does not allocate and add an [out, in] temporary), db += Σ_rows dy, dx = dy·W.
    public func backward(_ outputGradient: Tensor) -> Tensor {
        guard let input = cachedInput else { preconditionFailure("Linear.backward called without a training-mode forward") }
        precondition(outputGradient.shape == [input.shape[0], outputFeatures], "Linear.backward expects [\(input.shape[0]), \(outputFeatures)], got \(outputGradient.shape)")
        outputGradient.withUnsafeBufferPointer { dy in
            input.withUnsafeBufferPointer { x in
                weight.gradient.withUnsafeMutableBufferPointer { dw in
                    BLAS.gemm(transposeA: true, m: outputFeatures, n: inputFeatures, k: input.shape[0],
                              a: dy.baseAddress!, lda: outputFeatures, b: x.baseAddress!, ldb: inputFeatures,
                              beta: 1, c: dw.baseAddress!, ldc: inputFeatures)
                }
            }
        }
        if let bias { bias.gradient.add(outputGradient.sum(alongAxis: 0)) }
        return outputGradient.matmul(weight.value)
    }
}
