import Tensor

/// Stochastic gradient descent with PyTorch's `torch.optim.SGD` formulas:
/// g ← grad + λ·p; with momentum μ, buf ← g on the first step, else μ·buf + (1 − dampening)·g;
/// g ← g + μ·buf (Nesterov) or buf; p ← p − lr·g.
public final class SGD: Optimizer {
    public let parameters: [Parameter]
    public var learningRate: Float
    public let momentum: Float
    public let dampening: Float
    public let weightDecay: Float
    public let nesterov: Bool
    /// Momentum buffers, one per parameter; empty until the parameter's first step.
    private var buffers: [[Float]]

    /// - Precondition: Nesterov needs momentum > 0 and zero dampening (as PyTorch requires).
    public init(parameters: [Parameter], learningRate: Float, momentum: Float = 0, dampening: Float = 0,
                weightDecay: Float = 0, nesterov: Bool = false) {
        precondition(!nesterov || (momentum > 0 && dampening == 0), "Nesterov momentum requires a momentum and zero dampening")
        self.parameters = parameters
        self.learningRate = learningRate
        self.momentum = momentum
        self.dampening = dampening
        self.weightDecay = weightDecay
        self.nesterov = nesterov
        buffers = Array(repeating: [], count: parameters.count)
    }

    /// Updates every parameter in place (no copies of the weights, gradients or momentum), large
    /// ones split across threads.
    public func step() {
        let lr = learningRate, momentum = momentum, dampening = dampening, weightDecay = weightDecay, nesterov = nesterov
        for (index, parameter) in parameters.enumerated() {
            let count = parameter.value.count
            let first = buffers[index].isEmpty
            if momentum != 0 && first { buffers[index] = [Float](repeating: 0, count: count) }
            parameter.gradient.withUnsafeBufferPointer { gradient in
                parameter.value.withUnsafeMutableBufferPointer { value in
                    buffers[index].withUnsafeMutableBufferPointer { buffer in
                        guard let gradient = gradient.baseAddress, let value = value.baseAddress else { return }
                        let buffer = momentum != 0 ? buffer.baseAddress : nil
                        OpenMPLoop.run(count, minimumPerChunk: Tensor.elementsPerThread) { range in
                            var start = range.lowerBound
                            // Plain momentum after the first step, in sixteen lanes (the same
                            // operations in the same order as the loop below).
                            if let buffer, !first, !nesterov {
                                let decay = SIMD16<Float>(repeating: weightDecay), rate = SIMD16<Float>(repeating: lr)
                                let keep = SIMD16<Float>(repeating: momentum), fresh = SIMD16<Float>(repeating: 1 - dampening)
                                while start + 16 <= range.upperBound {
                                    let v = UnsafeRawPointer(value + start).loadUnaligned(as: SIMD16<Float>.self)
                                    let g = UnsafeRawPointer(gradient + start).loadUnaligned(as: SIMD16<Float>.self) + decay * v
                                    let b = keep * UnsafeRawPointer(buffer + start).loadUnaligned(as: SIMD16<Float>.self) + fresh * g
                                    UnsafeMutableRawPointer(buffer + start).storeBytes(of: b, as: SIMD16<Float>.self)
                                    UnsafeMutableRawPointer(value + start).storeBytes(of: v - rate * b, as: SIMD16<Float>.self)
                                    start += 16
                                }
                            }
                            for i in start..<range.upperBound {
                                var g = gradient[i] + weightDecay * value[i]
                                if let buffer {
                                    buffer[i] = first ? g : momentum * buffer[i] + (1 - dampening) * g
                                    g = nesterov ? g + momentum * buffer[i] : buffer[i]
                                }
                                value[i] -= lr * g
                            }
                        }
                    }
                }
            }
        }
    }
}
