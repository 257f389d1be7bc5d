import Foundation
import NN
import Tensor

/// Layer normalisation over the last dimension for inference, as `torch.nn.LayerNorm(width, eps)`:
/// `y = (x − mean) / sqrt(var + eps) · weight + bias`, with the biased variance of each row.
///
/// Parameter names follow PyTorch (`weight`, `bias`). Mean and variance are accumulated in 16
/// lanes and combined in `Float`, then the variance is taken about the mean (two passes), which
/// keeps rows with a large common offset exact to float rounding.
public struct LayerNorm: Sendable {
    /// Features per row.
    public let width: Int
    /// Scale per feature (`weight`).
    public let weight: [Float]
    /// Shift per feature (`bias`).
    public let bias: [Float]
    /// Added to the variance (timm's ViTs use 1e-6, PyTorch's default is 1e-5).
    public let epsilon: Float

    /// A LayerNorm with the given parameters.
    /// - Precondition: `weight` and `bias` have the same positive length.
    public init(weight: [Float], bias: [Float], epsilon: Float) {
        precondition(!weight.isEmpty && weight.count == bias.count, "LayerNorm needs weight and bias of one positive width")
        self.width = weight.count
        self.weight = weight
        self.bias = bias
        self.epsilon = epsilon
    }

    /// Normalises `rows` rows of `width` values read from `input` into `output` (which may be
    /// `input`), on up to `workers` threads.
    public func apply(_ input: UnsafePointer<Float>, into output: UnsafeMutablePointer<Float>, rows: Int,
                      workers: Int = ParallelFor.workerCount) {
        let width = width
        weight.withUnsafeBufferPointer { weight in
            bias.withUnsafeBufferPointer { bias in
                let weight = weight.baseAddress!, bias = bias.baseAddress!
                ParallelFor.run(rows, workers: workers, minimumPerChunk: 16) { range in
                    for row in range {
                        normaliseRow(input + row * width, output + row * width, weight, bias)
                    }
                }
            }
        }
    }

    /// The normalised rows of a `[rows, width]` tensor.
    public func applied(to input: Tensor) -> Tensor {
        precondition(input.rank == 2 && input.shape[1] == width, "LayerNorm(\(width)) needs [rows, \(width)], got \(input.shape)")
        var output = Tensor(shape: input.shape)
        guard input.count > 0 else { return output }
        input.withUnsafeBufferPointer { source in
            output.withUnsafeMutableBufferPointer { destination in
                apply(source.baseAddress!, into: destination.baseAddress!, rows: input.shape[0])
            }
        }
        return output
    }

    private func normaliseRow(_ x: UnsafePointer<Float>, _ y: UnsafeMutablePointer<Float>,
                              _ weight: UnsafePointer<Float>, _ bias: UnsafePointer<Float>) {
        typealias Vector = VectorMath.Vector
        let lanes = Vector.scalarCount
        let whole = width - width % lanes
        var vectorSum = Vector()
        var index = 0
        while index < whole {
            vectorSum += VectorMath.load(x + index)
            index += lanes
        }
        var sum = vectorSum.sum()
        for tail in whole..<width { sum += x[tail] }
        let mean = sum / Float(width)
        var vectorSquares = Vector()
        let vectorMean = Vector(repeating: mean)
        index = 0
        while index < whole {
            let centred = VectorMath.load(x + index) - vectorMean
            vectorSquares += centred * centred
            index += lanes
        }
        var squares = vectorSquares.sum()
        for tail in whole..<width {
            let centred = x[tail] - mean
            squares += centred * centred
        }
        let inverse = 1 / (squares / Float(width) + epsilon).squareRoot()
        let vectorInverse = Vector(repeating: inverse)
        index = 0
        while index < whole {
            let normalised = (VectorMath.load(x + index) - vectorMean) * vectorInverse
            VectorMath.store(normalised * VectorMath.load(weight + index) + VectorMath.load(bias + index), y + index)
            index += lanes
        }
        for tail in whole..<width {
            y[tail] = (x[tail] - mean) * inverse * weight[tail] + bias[tail]
        }
    }
}
