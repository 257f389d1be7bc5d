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
    private var buffers: [[Float]?]

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
        buffers = Array(repeating: nil, count: parameters.count)
    }

    public func step() {
        for (index, parameter) in parameters.enumerated() {
            var g = parameter.gradient.storage
            let p = parameter.value.storage
            if weightDecay != 0 { for i in g.indices { g[i] += weightDecay * p[i] } }
            if momentum != 0 {
                var buffer: [Float]
                if let previous = buffers[index] {
                    buffer = previous
                    for i in g.indices { buffer[i] = momentum * buffer[i] + (1 - dampening) * g[i] }
                } else {
                    buffer = g
                }
                buffers[index] = buffer
                if nesterov { for i in g.indices { g[i] += momentum * buffer[i] } } else { g = buffer }
            }
            let lr = learningRate
            parameter.value.withUnsafeMutableBufferPointer { value in
                for i in value.indices { value[i] -= lr * g[i] }
            }
        }
    }
}
