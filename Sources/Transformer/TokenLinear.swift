import Tensor

/// An inference-only fully connected layer on a matrix of tokens, `y = x · Wᵀ + b` (optionally
/// followed by GELU), with PyTorch's `nn.Linear` layout (`weight` [out, in], `bias` [out]): one
/// oneDNN matmul over all rows with the bias (and GELU) fused into its output (`PackedMatmul`).
public struct TokenLinear: Sendable {
    /// Input features.
    public let inputWidth: Int
    /// Output features.
    public let outputWidth: Int
    /// Whether GELU (exact erf) is applied to the biased product.
    public var fusesGELU: Bool { kernel.fusedGELU }
    private let kernel: PackedMatmul

    /// A layer with the given weight (`[out, in]`) and optional bias (`[out]`, zeros when nil);
    /// with `fusedGELU`, `y = GELU(x · Wᵀ + b)`.
    public init(weight: Tensor, bias: Tensor?, fusedGELU: Bool = false) {
        precondition(weight.rank == 2, "TokenLinear needs a rank-2 weight, got \(weight.shape)")
        outputWidth = weight.shape[0]
        inputWidth = weight.shape[1]
        precondition(bias == nil || bias!.shape == [outputWidth], "bias of \(bias!.shape) for \(outputWidth) outputs")
        kernel = PackedMatmul(weight: weight.storage, inputWidth: inputWidth, outputWidth: outputWidth,
                              bias: bias?.storage ?? [Float](repeating: 0, count: outputWidth), fusedGELU: fusedGELU)
    }

    /// `output[r] = input[r] · Wᵀ + b` (GELU'd when `fusesGELU`) for `rows` rows; input rows are
    /// `inputStride` apart, output rows `outputStride` apart; on `workers` threads.
    public func apply(_ input: UnsafePointer<Float>, inputStride: Int, rows: Int,
                      into output: UnsafeMutablePointer<Float>, outputStride: Int, workers: Int = ParallelFor.workerCount) {
        kernel.run(input, inputStride: inputStride, rows: rows, into: output, outputStride: outputStride, threads: workers)
    }

    /// `residual[r] += scale ⊙ product[r]` for `rows` dense rows of `outputWidth`: an optional
    /// LayerScale and the residual connection in one pass.
    public func addScaledResidual(_ product: UnsafePointer<Float>, scale: [Float]?, rows: Int,
                                  into residual: UnsafeMutablePointer<Float>, workers: Int = ParallelFor.workerCount) {
        let width = outputWidth
        let lanes = VectorMath.Vector.scalarCount
        guard let scale else {
            ParallelFor.run(rows * width, workers: workers, minimumPerChunk: 1 << 14) { range in
                var index = range.lowerBound
                while index + lanes <= range.upperBound {
                    VectorMath.store(VectorMath.load(residual + index) + VectorMath.load(product + index), residual + index)
                    index += lanes
                }
                while index < range.upperBound {
                    residual[index] += product[index]
                    index += 1
                }
            }
            return
        }
        precondition(scale.count == width, "layer scale of \(scale.count) for width \(width)")
        scale.withUnsafeBufferPointer { gamma in
            let gamma = gamma.baseAddress!
            ParallelFor.run(rows, workers: workers, minimumPerChunk: 16) { range in
                for row in range {
                    let source = product + row * width, target = residual + row * width
                    var index = 0
                    while index + lanes <= width {
                        VectorMath.store(VectorMath.load(target + index) + VectorMath.load(source + index) * VectorMath.load(gamma + index),
                                         target + index)
                        index += lanes
                    }
                    while index < width {
                        target[index] += source[index] * gamma[index]
                        index += 1
                    }
                }
            }
        }
    }
}
