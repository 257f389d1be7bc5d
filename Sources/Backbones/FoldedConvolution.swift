import NN
import Tensor

/// A convolution with its batch norm folded in, laid out for channels-last (NHWC) inference.
///
/// Folding: s = γ/√(σ² + ε), W′ = s·W, b′ = β − μ·s (+ s·conv bias). Weights are stored
/// [k, k, Cin, Cout] so that one gemm `patches[N·OH·OW, k·k·Cin] · W′` yields NHWC output
/// directly; a 1×1 stride-1 convolution multiplies the input itself, with no patch copy.
struct FoldedConvolution {
    let inputChannels: Int
    let outputChannels: Int
    let kernel: Int
    let stride: Int
    let padding: Int
    let weights: [Float]
    let bias: [Float]

    init(convolution conv: Conv2d, batchNorm bn: BatchNorm2d?) {
        inputChannels = conv.inputChannels
        outputChannels = conv.outputChannels
        kernel = conv.kernel
        stride = conv.stride
        padding = conv.padding
        var scale = [Float](repeating: 1, count: outputChannels)
        var shift = [Float](repeating: 0, count: outputChannels)
        if let bn {
            for o in 0..<outputChannels {
                scale[o] = bn.weight.value.storage[o] / (bn.runningVariance.value.storage[o] + bn.epsilon).squareRoot()
                shift[o] = bn.bias.value.storage[o] - bn.runningMean.value.storage[o] * scale[o]
            }
        }
        let k = kernel, cin = inputChannels, cout = outputChannels
        var folded = [Float](repeating: 0, count: k * k * cin * cout)
        let w = conv.weight.value.storage
        for o in 0..<cout {
            for c in 0..<cin {
                for ky in 0..<k {
                    for kx in 0..<k {
                        folded[((ky * k + kx) * cin + c) * cout + o] = w[((o * cin + c) * k + ky) * k + kx] * scale[o]
                    }
                }
            }
        }
        weights = folded
        bias = (0..<cout).map { shift[$0] + (conv.bias?.value.storage[$0] ?? 0) * scale[$0] }
    }

    var isPointwise: Bool { kernel == 1 && stride == 1 && padding == 0 }
    var patchSize: Int { kernel * kernel * inputChannels }

    func outputSize(height: Int, width: Int) -> (height: Int, width: Int) {
        ((height + 2 * padding - kernel) / stride + 1, (width + 2 * padding - kernel) / stride + 1)
    }

    /// output[N·OH·OW, Cout] = act(patches · W′ + b′ (+ residual)), all NHWC.
    /// - Parameters:
    ///   - columns: scratch of at least N·OH·OW·k·k·Cin floats (unused for pointwise kernels).
    ///   - residual: NHWC tensor of the output's shape added before the activation, or nil.
    ///   - workers: threads for the patch copy and epilogue (gemm threads are OpenBLAS's).
    func apply(_ input: UnsafePointer<Float>, batch: Int, height: Int, width: Int,
               into output: UnsafeMutablePointer<Float>, columns: UnsafeMutablePointer<Float>,
               residual: UnsafePointer<Float>?, relu: Bool, workers: Int) {
        let (oh, ow) = outputSize(height: height, width: width)
        let rows = batch * oh * ow
        let patches: UnsafePointer<Float>
        if isPointwise {
            patches = input
        } else {
            unfold(input, batch: batch, height: height, width: width, into: columns, workers: workers)
            patches = UnsafePointer(columns)
        }
        weights.withUnsafeBufferPointer { w in
            BLAS.gemm(m: rows, n: outputChannels, k: patchSize, a: patches, lda: patchSize,
                      b: w.baseAddress!, ldb: outputChannels, c: output, ldc: outputChannels)
        }
        let cout = outputChannels
        bias.withUnsafeBufferPointer { b in
            let b = b.baseAddress!
            ParallelFor.run(rows, workers: workers, minimumPerChunk: 64) { range in
                for row in range {
                    let line = output + row * cout
                    if let residual {
                        let shortcut = residual + row * cout
                        for o in 0..<cout { line[o] += b[o] + shortcut[o] }
                    } else {
                        for o in 0..<cout { line[o] += b[o] }
                    }
                    if relu { for o in 0..<cout where line[o] < 0 { line[o] = 0 } }
                }
            }
        }
    }

    /// NHWC patch matrix: one row per output position, taps ordered (ky, kx, c); each tap copies
    /// Cin contiguous channels, padding taps are zero.
    private func unfold(_ input: UnsafePointer<Float>, batch: Int, height: Int, width: Int,
                        into columns: UnsafeMutablePointer<Float>, workers: Int) {
        let (oh, ow) = outputSize(height: height, width: width)
        let cin = inputChannels, k = kernel, rowLength = patchSize
        ParallelFor.run(batch * oh, workers: workers, minimumPerChunk: 2) { range in
            for line in range {
                let n = line / oh, oy = line % oh
                for ox in 0..<ow {
                    var destination = columns + (line * ow + ox) * rowLength
                    for ky in 0..<k {
                        let iy = oy * stride - padding + ky
                        for kx in 0..<k {
                            let ix = ox * stride - padding + kx
                            if iy >= 0 && iy < height && ix >= 0 && ix < width {
                                destination.update(from: input + ((n * height + iy) * width + ix) * cin, count: cin)
                            } else {
                                destination.update(repeating: 0, count: cin)
                            }
                            destination += cin
                        }
                    }
                }
            }
        }
    }
}
