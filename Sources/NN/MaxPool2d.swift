import Tensor

/// Max pooling over NCHW batches, as `torch.nn.MaxPool2d(kernel, stride, padding)`.
///
/// Padding behaves as −∞ (a padded tap never wins); ties go to the first tap in row-major window
/// order, as PyTorch. Training mode caches the winning input index of every output for backward.
public final class MaxPool2d: Layer {
    public let kernel: Int
    public let stride: Int
    public let padding: Int
    private var winners: [Int32] = []
    private var cachedInputShape: [Int] = []

    /// - Parameters: kernel: window side; stride: step (defaults to `kernel`, as PyTorch); padding:
    ///   implicit −∞ border, at most kernel/2.
    public init(kernel: Int, stride: Int? = nil, padding: Int = 0) {
        precondition(padding * 2 <= kernel, "MaxPool2d padding \(padding) exceeds half the kernel \(kernel)")
        self.kernel = kernel
        self.stride = stride ?? kernel
        self.padding = padding
    }

    public var namedParameters: [(name: String, parameter: Parameter)] { [] }

    public func forward(_ input: Tensor, mode: Mode) -> Tensor {
        precondition(input.rank == 4, "MaxPool2d expects NCHW, got \(input.shape)")
        let g = ConvolutionGeometry(batch: input.shape[0], channels: input.shape[1], height: input.shape[2], width: input.shape[3],
                                    kernel: kernel, stride: stride, padding: padding)
        let oh = g.outputHeight, ow = g.outputWidth
        var output = Tensor.uninitialized([g.batch, g.channels, oh, ow])
        let planes = g.batch * g.channels
        let record = mode == .training
        if record { winners = [Int32](repeating: 0, count: output.count) }
        input.withUnsafeBufferPointer { x in
            output.withUnsafeMutableBufferPointer { y in
                winners.withUnsafeMutableBufferPointer { best in
                    let x = x.baseAddress!, y = y.baseAddress!, best = best.baseAddress
                    OpenMPLoop.run(planes, minimumPerChunk: 4) { range in
                        for p in range {
                            let source = x + p * g.height * g.width
                            for oy in 0..<oh {
                                // Window rows and columns inside the image (the others are padding).
                                let top = oy * g.stride - g.padding
                                let rows = max(0, -top)..<min(g.kernel, g.height - top)
                                for ox in 0..<ow {
                                    let left = ox * g.stride - g.padding
                                    let columns = max(0, -left)..<min(g.kernel, g.width - left)
                                    // The first tap starts the run; a later one wins when larger or NaN
                                    // (PyTorch's rule), chosen by selects rather than a branch per tap,
                                    // which mispredicts on noisy inputs.
                                    var index = (top + rows.lowerBound) * g.width + left + columns.lowerBound
                                    var value = source[index]
                                    @inline(__always) func visit(_ tap: Int) {
                                        let candidate = source[tap]
                                        let wins = candidate > value || candidate != candidate
                                        value = wins ? candidate : value
                                        index = wins ? tap : index
                                    }
                                    if g.kernel == 3 && rows.count == 3 && columns.count == 3 {
                                        // A 3×3 window inside the image (the ResNet stem's pool): unrolled.
                                        let corner = index, w = g.width
                                        visit(corner + 1); visit(corner + 2)
                                        visit(corner + w); visit(corner + w + 1); visit(corner + w + 2)
                                        visit(corner + 2 * w); visit(corner + 2 * w + 1); visit(corner + 2 * w + 2)
                                    } else {
                                        for ky in rows {
                                            let row = (top + ky) * g.width + left
                                            for kx in columns { visit(row + kx) }
                                        }
                                    }
                                    let o = (p * oh + oy) * ow + ox
                                    y[o] = value
                                    if record { best![o] = Int32(index) }
                                }
                            }
                        }
                    }
                }
            }
        }
        cachedInputShape = input.shape
        return output
    }

    /// Routes each output gradient to the input element that won its window (summing overlaps).
    public func backward(_ outputGradient: Tensor) -> Tensor {
        precondition(winners.count == outputGradient.count, "MaxPool2d.backward called without a matching training-mode forward")
        var inputGradient = Tensor.uninitialized(cachedInputShape)
        let plane = cachedInputShape[2] * cachedInputShape[3]
        let outputPlane = outputGradient.shape[2] * outputGradient.shape[3]
        // A winner lies in its own output's plane, so planes are independent.
        outputGradient.withUnsafeBufferPointer { dy in
            inputGradient.withUnsafeMutableBufferPointer { dx in
                winners.withUnsafeBufferPointer { winners in
                    guard let dy = dy.baseAddress, let dx = dx.baseAddress, let winners = winners.baseAddress else { return }
                    OpenMPLoop.run(cachedInputShape[0] * cachedInputShape[1], minimumPerChunk: 4) { range in
                        (dx + range.lowerBound * plane).update(repeating: 0, count: range.count * plane)
                        for p in range {
                            for o in 0..<outputPlane {
                                let index = p * outputPlane + o
                                dx[p * plane + Int(winners[index])] += dy[index]
                            }
                        }
                    }
                }
            }
        }
        return inputGradient
    }
}
