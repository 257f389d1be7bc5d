import Tensor

/// Batch normalisation over the channels of NCHW batches, as `torch.nn.BatchNorm2d`.
///
/// Training mode normalises with the batch mean and BIASED variance over N·H·W and updates
/// `running_mean`/`running_var` with `momentum` (running_var takes the UNBIASED variance, as
/// PyTorch does); inference mode uses the running statistics. Parameters `weight` (γ, init 1) and
/// `bias` (β, init 0); buffers `running_mean` (init 0) and `running_var` (init 1).
/// Backward works after either mode (in inference mode the layer is an affine map).
public final class BatchNorm2d: Layer {
    public let channels: Int
    /// Running-statistics update rate: running = (1 − momentum)·running + momentum·batch. Default 0.1.
    public let momentum: Float
    /// Added to the variance before the square root. Default 1e-5.
    public let epsilon: Float
    public let weight: Parameter
    public let bias: Parameter
    public let runningMean: Buffer
    public let runningVariance: Buffer

    /// The last training-mode input and its per-channel mean and 1/std, for `backward`.
    private var cachedInput: Tensor?
    private var means: [Float] = []
    private var inverseStd: [Float] = []
    private var cachedShape: [Int] = []
    private var cachedMode: Mode = .inference

    /// A batch norm over `channels` channels with γ = 1, β = 0, running mean 0 and variance 1.
    public init(channels: Int, momentum: Float = 0.1, epsilon: Float = 1e-5) {
        self.channels = channels
        self.momentum = momentum
        self.epsilon = epsilon
        weight = Parameter(Tensor(shape: [channels], repeating: 1))
        bias = Parameter(Tensor(shape: [channels]))
        runningMean = Buffer(Tensor(shape: [channels]))
        runningVariance = Buffer(Tensor(shape: [channels], repeating: 1))
    }

    public var namedParameters: [(name: String, parameter: Parameter)] {
        [(name: "weight", parameter: weight), (name: "bias", parameter: bias)]
    }

    public var namedBuffers: [(name: String, buffer: Buffer)] {
        [(name: "running_mean", buffer: runningMean), (name: "running_var", buffer: runningVariance)]
    }

    public func forward(_ input: Tensor, mode: Mode) -> Tensor {
        precondition(input.rank == 4 && input.shape[1] == channels, "BatchNorm2d expects [N, \(channels), H, W], got \(input.shape)")
        let batch = input.shape[0], plane = input.shape[2] * input.shape[3]
        let perChannel = batch * plane
        let training = mode == .training
        precondition(!training || perChannel > 1, "BatchNorm2d in training mode needs more than one value per channel")
        var output = Tensor.uninitialized(input.shape)
        let workers = input.count >= Tensor.elementsPerThread ? nil : 1
        inverseStd = [Float](repeating: 0, count: channels)
        means = [Float](repeating: 0, count: channels)
        let channels = channels, momentum = momentum, epsilon = epsilon
        // Channels are independent: each thread owns whole channels (statistics, outputs, caches).
        input.withUnsafeBufferPointer { x in
            output.withUnsafeMutableBufferPointer { y in
                means.withUnsafeMutableBufferPointer { means in
                    inverseStd.withUnsafeMutableBufferPointer { inv in
                        runningMean.value.withUnsafeMutableBufferPointer { runMean in
                            runningVariance.value.withUnsafeMutableBufferPointer { runVar in
                                let x = x.baseAddress!, y = y.baseAddress!, means = means.baseAddress!
                                let inv = inv.baseAddress!, runMean = runMean.baseAddress!, runVar = runVar.baseAddress!
                                let gamma = weight.value.storage, beta = bias.value.storage
                                // Each thread owns whole channels; images outermost, so every
                                // image's block of those channels is read in memory order (a
                                // channel-outermost walk strides over all channels when planes
                                // are small, as in layer4 on 28×28 inputs). Each channel's sums
                                // still add its images in order.
                                OpenMPLoop.run(channels, workers: workers) { range in
                                    let first = range.lowerBound
                                    if training {
                                        // One pass over sums shifted by the channel's first value (near
                                        // the mean, so no cancellation): Σ(x−K) and Σ(x−K)².
                                        var sums = [Double](repeating: 0, count: range.count)
                                        var squares = [Double](repeating: 0, count: range.count)
                                        for n in 0..<batch {
                                            for c in range {
                                                let partial = LaneSums.shiftedSums(x + (n * channels + c) * plane, count: plane,
                                                                                   shift: x[c * plane])
                                                sums[c - first] += Double(partial.sum)
                                                squares[c - first] += Double(partial.squares)
                                            }
                                        }
                                        for c in range {
                                            let shift = x[c * plane], sum = sums[c - first]
                                            let shiftedMean = sum / Double(perChannel)
                                            let deviations = max(0, squares[c - first] - shiftedMean * sum)
                                            let mean = Float(Double(shift) + shiftedMean)
                                            let variance = Float(deviations / Double(perChannel))
                                            let unbiased = Float(deviations / Double(perChannel - 1))
                                            runMean[c] = (1 - momentum) * runMean[c] + momentum * mean
                                            runVar[c] = (1 - momentum) * runVar[c] + momentum * unbiased
                                            means[c] = mean
                                            inv[c] = 1 / (variance + epsilon).squareRoot()
                                        }
                                    } else {
                                        for c in range {
                                            means[c] = runMean[c]
                                            inv[c] = 1 / (runVar[c] + epsilon).squareRoot()
                                        }
                                    }
                                    let scales = range.map { gamma[$0] * inv[$0] }
                                    let shifts = range.map { beta[$0] - means[$0] * gamma[$0] * inv[$0] }
                                    for n in 0..<batch {
                                        for c in range {
                                            let base = (n * channels + c) * plane
                                            LaneMaps.affine(x + base, into: y + base, count: plane,
                                                            scale: scales[c - first], shift: shifts[c - first])
                                        }
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
        cachedInput = training ? input : nil
        cachedShape = input.shape
        cachedMode = mode
        return output
    }

    /// Training mode: with x̂ = (x − mean)·invStd, dγ = Σ dy·x̂, dβ = Σ dy,
    /// dx = γ·invStd/M·(M·dy − dβ − x̂·dγ) with M = N·H·W. Inference mode: dx = γ·invStd·dy.
    public func backward(_ outputGradient: Tensor) -> Tensor {
        precondition(outputGradient.shape == cachedShape, "BatchNorm2d.backward: gradient shape \(outputGradient.shape) does not match \(cachedShape)")
        let batch = cachedShape[0], plane = cachedShape[2] * cachedShape[3]
        let m = Float(batch * plane)
        let channels = channels, training = cachedMode == .training
        var inputGradient = Tensor.uninitialized(cachedShape)
        let workers = inputGradient.count >= Tensor.elementsPerThread ? nil : 1
        let gamma = weight.value.storage
        let input = cachedInput ?? Tensor(shape: [0])
        outputGradient.withUnsafeBufferPointer { dy in
            inputGradient.withUnsafeMutableBufferPointer { dx in
                input.withUnsafeBufferPointer { x in
                    weight.gradient.withUnsafeMutableBufferPointer { dGammaOut in
                        bias.gradient.withUnsafeMutableBufferPointer { dBetaOut in
                            let dy = dy.baseAddress!, dx = dx.baseAddress!, x = x.baseAddress
                            let dGammaOut = dGammaOut.baseAddress!, dBetaOut = dBetaOut.baseAddress!
                            let inverseStd = inverseStd, means = means
                            // Whole channels per thread, images outermost (see `forward`).
                            OpenMPLoop.run(channels, workers: workers) { range in
                                let first = range.lowerBound
                                guard training, let x else {
                                    for n in 0..<batch {
                                        for c in range {
                                            let base = (n * channels + c) * plane
                                            for i in 0..<plane { dx[base + i] = gamma[c] * inverseStd[c] * dy[base + i] }
                                        }
                                    }
                                    return
                                }
                                var centredDots = [Double](repeating: 0, count: range.count)
                                var sums = [Double](repeating: 0, count: range.count)
                                for n in 0..<batch {
                                    for c in range {
                                        let base = (n * channels + c) * plane
                                        let partial = LaneSums.centredDotAndSum(dy + base, x + base, count: plane, centre: means[c])
                                        centredDots[c - first] += Double(partial.dot)
                                        sums[c - first] += Double(partial.sum)
                                    }
                                }
                                // dx = factor·(M·dy − dβ − (x − mean)·invStd·dγ) = a·dy + b·(x − mean) + c
                                var a = [Float](repeating: 0, count: range.count)
                                var b = a, constant = a
                                for c in range {
                                    let inv = inverseStd[c]
                                    let dg = Float(centredDots[c - first]) * inv, db = Float(sums[c - first])
                                    dGammaOut[c] += dg
                                    dBetaOut[c] += db
                                    let factor = gamma[c] * inv / m
                                    a[c - first] = factor * m
                                    b[c - first] = -factor * inv * dg
                                    constant[c - first] = -factor * db
                                }
                                for n in 0..<batch {
                                    for c in range {
                                        let base = (n * channels + c) * plane
                                        LaneMaps.combine(dy + base, x + base, into: dx + base, count: plane,
                                                         a: a[c - first], b: b[c - first], centre: means[c], c: constant[c - first])
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
        return inputGradient
    }
}
