import Tensor

/// An inference-only fully connected layer on a matrix of tokens, `y = x · Wᵀ + b`, with
/// PyTorch's `nn.Linear` layout (`weight` [out, in], `bias` [out]) and what follows it fused in:
/// one oneDNN matmul over all rows (`PackedMatmul`) that stores `y`, `GELU(y)`, or adds
/// `gamma ⊙ y` to a residual stream.
public struct TokenLinear: Sendable {
    /// Input features.
    public let inputWidth: Int
    /// Output features.
    public let outputWidth: Int
    /// What the layer does with its product.
    public var epilogue: PackedMatmul.Epilogue { kernel.epilogue }
    /// Whether GELU (exact erf) is applied to the product.
    public var fusesGELU: Bool { epilogue == .gelu }
    /// Whether the product is added (scaled) to the output instead of replacing it.
    public var addsToResidual: Bool {
        if case .scaledResidual = epilogue { return true }
        return false
    }
    private let kernel: PackedMatmul

    /// A layer with the given weight (`[out, in]`), optional bias (`[out]`, zeros when nil) and
    /// epilogue.
    public init(weight: Tensor, bias: Tensor?, epilogue: PackedMatmul.Epilogue = .none) {
        precondition(weight.rank == 2, "TokenLinear needs a rank-2 weight, got \(weight.shape)")
        outputWidth = weight.shape[0]
        inputWidth = weight.shape[1]
        precondition(bias == nil || bias!.shape == [outputWidth], "bias of \(bias!.shape) for \(outputWidth) outputs")
        kernel = PackedMatmul(weight: weight.storage, inputWidth: inputWidth, outputWidth: outputWidth,
                              bias: bias?.storage ?? [Float](repeating: 0, count: outputWidth), epilogue: epilogue)
    }

    /// `output[r] = epilogue(input[r] · Wᵀ + b)` for `rows` rows (with a residual epilogue,
    /// `output[r] += gamma ⊙ (input[r] · Wᵀ + b)`); input rows are `inputStride` apart, output rows
    /// `outputStride` apart; on `workers` threads.
    public func apply(_ input: UnsafePointer<Float>, inputStride: Int, rows: Int,
                      into output: UnsafeMutablePointer<Float>, outputStride: Int, workers: Int = ParallelFor.workerCount) {
        kernel.run(input, inputStride: inputStride, rows: rows, into: output, outputStride: outputStride, threads: workers)
    }
}
