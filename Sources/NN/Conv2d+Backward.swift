import Tensor

extension Conv2d {
    /// With G = dLoss/dOutput in channel-major form [Cout, N·P] and X the cached patch matrix:
    /// dWeight += G·Xᵀ, dBias += row sums of G, dInput = fold(Wᵀ·G).
    public func backward(_ outputGradient: Tensor) -> Tensor {
        guard let g = cachedGeometry else {
            preconditionFailure("Conv2d.backward called without a training-mode forward")
        }
        precondition(outputGradient.shape == [g.batch, outputChannels, g.outputHeight, g.outputWidth],
                     "Conv2d.backward: gradient shape \(outputGradient.shape) does not match the last output")
        let positions = g.batch * g.outputPlane
        var gradient = [Float](repeating: 0, count: outputChannels * positions)
        outputGradient.withUnsafeBufferPointer { source in
            gradient.withUnsafeMutableBufferPointer { destination in
                ChannelLayout.channelMajor(fromNCHW: source.baseAddress!, batch: g.batch, channels: outputChannels,
                                           plane: g.outputPlane, into: destination.baseAddress!)
            }
        }
        gradient.withUnsafeBufferPointer { grad in
            cachedColumns.withUnsafeBufferPointer { columns in
                weight.gradient.withUnsafeMutableBufferPointer { dw in
                    BLAS.gemm(transposeB: true, m: outputChannels, n: g.patchSize, k: positions,
                              a: grad.baseAddress!, lda: positions, b: columns.baseAddress!, ldb: positions,
                              beta: 1, c: dw.baseAddress!, ldc: g.patchSize)
                }
            }
            if let bias {
                for o in 0..<outputChannels {
                    var total: Float = 0
                    let row = grad.baseAddress! + o * positions
                    for i in 0..<positions { total += row[i] }
                    bias.gradient.storage[o] += total
                }
            }
        }
        var columnGradient = [Float](repeating: 0, count: g.patchSize * positions)
        weight.value.withUnsafeBufferPointer { w in
            gradient.withUnsafeBufferPointer { grad in
                columnGradient.withUnsafeMutableBufferPointer { dcol in
                    BLAS.gemm(transposeA: true, m: g.patchSize, n: positions, k: outputChannels,
                              a: w.baseAddress!, lda: g.patchSize, b: grad.baseAddress!, ldb: positions,
                              c: dcol.baseAddress!, ldc: positions)
                }
            }
        }
        var inputGradient = Tensor(shape: [g.batch, g.channels, g.height, g.width])
        columnGradient.withUnsafeBufferPointer { dcol in
            inputGradient.withUnsafeMutableBufferPointer { dx in
                if isPointwise {
                    ChannelLayout.nchw(fromChannelMajor: dcol.baseAddress!, batch: g.batch, channels: g.channels,
                                       plane: g.height * g.width, into: dx.baseAddress!)
                } else {
                    Im2Col.fold(dcol.baseAddress!, geometry: g, into: dx.baseAddress!)
                }
            }
        }
        return inputGradient
    }
}
