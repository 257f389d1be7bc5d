import NN
import Tensor

/// An inference-only fully connected layer on a matrix of tokens, `y = x · Wᵀ + b`, with
/// PyTorch's `nn.Linear` layout (`weight` [out, in], `bias` [out]); one gemm for all rows.
public struct TokenLinear: Sendable {
    /// Input features.
    public let inputWidth: Int
    /// Output features.
    public let outputWidth: Int
    /// Row-major [outputWidth, inputWidth].
    public let weight: [Float]
    /// [outputWidth]; zeros when the layer has no bias.
    public let bias: [Float]

    /// A layer with the given weight (`[out, in]`) and optional bias (`[out]`).
    public init(weight: Tensor, bias: Tensor?) {
        precondition(weight.rank == 2, "TokenLinear needs a rank-2 weight, got \(weight.shape)")
        outputWidth = weight.shape[0]
        inputWidth = weight.shape[1]
        precondition(bias == nil || bias!.shape == [outputWidth], "bias of \(bias!.shape) for \(outputWidth) outputs")
        self.weight = weight.storage
        self.bias = bias?.storage ?? [Float](repeating: 0, count: outputWidth)
    }

    /// `output[r] = input[r] · Wᵀ (+ b when `addBias`)` for `rows` rows; input rows are
    /// `inputStride` apart, output rows `outputStride` apart. Without `addBias` the caller fuses
    /// the bias into a later pass (see `addScaledResidual`).
    public func apply(_ input: UnsafePointer<Float>, inputStride: Int, rows: Int,
                      into output: UnsafeMutablePointer<Float>, outputStride: Int, addBias: Bool = true) {
        guard rows > 0 else { return }
        if addBias {
            bias.withUnsafeBufferPointer { bias in
                for row in 0..<rows { (output + row * outputStride).update(from: bias.baseAddress!, count: outputWidth) }
            }
        }
        weight.withUnsafeBufferPointer { weight in
            BLAS.gemm(transposeB: true, m: rows, n: outputWidth, k: inputWidth,
                      a: input, lda: inputStride, b: weight.baseAddress!, ldb: inputWidth,
                      beta: addBias ? 1 : 0, c: output, ldc: outputStride)
        }
    }

    /// `residual[r] += scale ⊙ (product[r] + bias)` for `rows` dense rows of `outputWidth`: the
    /// bias of a product made with `addBias: false`, an optional LayerScale, and the residual
    /// connection in one pass.
    public func addScaledResidual(_ product: UnsafePointer<Float>, scale: [Float]?, rows: Int,
                                  into residual: UnsafeMutablePointer<Float>, workers: Int = ParallelFor.workerCount) {
        let width = outputWidth
        let gamma = scale ?? [Float](repeating: 1, count: width)
        precondition(gamma.count == width, "layer scale of \(gamma.count) for width \(width)")
        let lanes = VectorMath.Vector.scalarCount
        bias.withUnsafeBufferPointer { bias in
            gamma.withUnsafeBufferPointer { gamma in
                let bias = bias.baseAddress!, gamma = gamma.baseAddress!
                ParallelFor.run(rows, workers: workers, minimumPerChunk: 16) { range in
                    for row in range {
                        let source = product + row * width, target = residual + row * width
                        var index = 0
                        while index + lanes <= width {
                            let sum = VectorMath.load(source + index) + VectorMath.load(bias + index)
                            VectorMath.store(VectorMath.load(target + index) + sum * VectorMath.load(gamma + index), target + index)
                            index += lanes
                        }
                        while index < width {
                            target[index] += (source[index] + bias[index]) * gamma[index]
                            index += 1
                        }
                    }
                }
            }
        }
    }
}
