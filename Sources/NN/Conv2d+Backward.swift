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
        let taps = cachedTaps
        let kk = kernel * kernel
        let patchSize = inputChannels * (taps?.count ?? kk)
        var weightGradient = taps == nil ? [] : [Float](repeating: 0, count: outputChannels * patchSize)
        gradient.withUnsafeBufferPointer { grad in
            cachedColumns.withUnsafeBufferPointer { columns in
                func accumulate(_ dw: UnsafeMutablePointer<Float>, beta: Float) {
                    BLAS.gemm(transposeB: true, m: outputChannels, n: patchSize, k: positions,
                              a: grad.baseAddress!, lda: positions, b: columns.baseAddress!, ldb: positions,
                              beta: beta, c: dw, ldc: patchSize)
                }
                if taps == nil {
                    weight.gradient.withUnsafeMutableBufferPointer { accumulate($0.baseAddress!, beta: 1) }
                } else {
                    weightGradient.withUnsafeMutableBufferPointer { accumulate($0.baseAddress!, beta: 0) }
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
        if let taps {
            // Scatter the reduced gradient back; dropped taps get no gradient (they only saw zeros).
            for o in 0..<outputChannels {
                for c in 0..<inputChannels {
                    for (index, tap) in taps.enumerated() {
                        weight.gradient.storage[(o * inputChannels + c) * kk + tap] += weightGradient[o * patchSize + c * taps.count + index]
                    }
                }
            }
        }
        var columnGradient = [Float](repeating: 0, count: patchSize * positions)
        let weights = taps == nil ? weight.value.storage : reducedWeight
        weights.withUnsafeBufferPointer { w in
            gradient.withUnsafeBufferPointer { grad in
                columnGradient.withUnsafeMutableBufferPointer { dcol in
                    BLAS.gemm(transposeA: true, m: patchSize, n: positions, k: outputChannels,
                              a: w.baseAddress!, lda: patchSize, b: grad.baseAddress!, ldb: positions,
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
                    Im2Col.fold(dcol.baseAddress!, geometry: g, taps: taps, into: dx.baseAddress!)
                }
            }
        }
        return inputGradient
    }
}
