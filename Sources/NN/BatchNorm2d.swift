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

    private var normalized: [Float] = []
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
        var output = Tensor(shape: input.shape)
        var scale = [Float](repeating: 0, count: channels)
        var shift = [Float](repeating: 0, count: channels)
        var batchMean = [Float](repeating: 0, count: channels)
        inverseStd = [Float](repeating: 0, count: channels)
        let x = input.storage
        for c in 0..<channels {
            let mean: Float, variance: Float
            if mode == .training {
                precondition(perChannel > 1, "BatchNorm2d in training mode needs more than one value per channel")
                var sum = 0.0, squares = 0.0
                for n in 0..<batch {
                    let base = (n * channels + c) * plane
                    for i in 0..<plane { sum += Double(x[base + i]) }
                }
                let meanD = sum / Double(perChannel)
                for n in 0..<batch {
                    let base = (n * channels + c) * plane
                    for i in 0..<plane { let d = Double(x[base + i]) - meanD; squares += d * d }
                }
                mean = Float(meanD)
                batchMean[c] = mean
                variance = Float(squares / Double(perChannel))
                let unbiased = Float(squares / Double(perChannel - 1))
                runningMean.value.storage[c] = (1 - momentum) * runningMean.value.storage[c] + momentum * mean
                runningVariance.value.storage[c] = (1 - momentum) * runningVariance.value.storage[c] + momentum * unbiased
            } else {
                mean = runningMean.value.storage[c]
                variance = runningVariance.value.storage[c]
            }
            inverseStd[c] = 1 / (variance + epsilon).squareRoot()
            scale[c] = weight.value.storage[c] * inverseStd[c]
            shift[c] = bias.value.storage[c] - mean * scale[c]
        }
        if mode == .training { normalized = [Float](repeating: 0, count: input.count) }
        output.withUnsafeMutableBufferPointer { y in
            for n in 0..<batch {
                for c in 0..<channels {
                    let base = (n * channels + c) * plane
                    let s = scale[c], t = shift[c]
                    for i in 0..<plane { y[base + i] = x[base + i] * s + t }
                }
            }
        }
        if mode == .training {
            for n in 0..<batch {
                for c in 0..<channels {
                    let base = (n * channels + c) * plane
                    let mean = batchMean[c], inv = inverseStd[c]
                    for i in 0..<plane { normalized[base + i] = (x[base + i] - mean) * inv }
                }
            }
        }
        cachedShape = input.shape
        cachedMode = mode
        return output
    }

    /// Training mode: dγ = Σ dy·x̂, dβ = Σ dy, dx = γ·invStd/M·(M·dy − dβ − x̂·dγ) with M = N·H·W.
    /// Inference mode: dx = γ·invStd·dy.
    public func backward(_ outputGradient: Tensor) -> Tensor {
        precondition(outputGradient.shape == cachedShape, "BatchNorm2d.backward: gradient shape \(outputGradient.shape) does not match \(cachedShape)")
        let batch = cachedShape[0], plane = cachedShape[2] * cachedShape[3]
        let m = Float(batch * plane)
        let dy = outputGradient.storage
        var inputGradient = Tensor(shape: cachedShape)
        for c in 0..<channels {
            let gamma = weight.value.storage[c], inv = inverseStd[c]
            if cachedMode == .inference {
                for n in 0..<batch {
                    let base = (n * channels + c) * plane
                    for i in 0..<plane { inputGradient.storage[base + i] = gamma * inv * dy[base + i] }
                }
                continue
            }
            var dGamma = 0.0, dBeta = 0.0
            for n in 0..<batch {
                let base = (n * channels + c) * plane
                for i in 0..<plane {
                    dGamma += Double(dy[base + i] * normalized[base + i])
                    dBeta += Double(dy[base + i])
                }
            }
            weight.gradient.storage[c] += Float(dGamma)
            bias.gradient.storage[c] += Float(dBeta)
            let factor = gamma * inv / m
            let dg = Float(dGamma), db = Float(dBeta)
            for n in 0..<batch {
                let base = (n * channels + c) * plane
                for i in 0..<plane {
                    inputGradient.storage[base + i] = factor * (m * dy[base + i] - db - normalized[base + i] * dg)
                }
            }
        }
        return inputGradient
    }
}
