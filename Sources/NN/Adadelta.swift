import Tensor

/// Adadelta with PyTorch's `torch.optim.Adadelta` formulas:
/// g ← grad + λ·p; s ← ρs + (1 − ρ)g²; Δ ← √(u + ε)/√(s + ε) · g; u ← ρu + (1 − ρ)Δ²; p ← p − lr·Δ.
public final class Adadelta: Optimizer {
    public let parameters: [Parameter]
    public var learningRate: Float
    public let rho: Float
    public let epsilon: Float
    public let weightDecay: Float
    private var squareAverages: [[Float]]
    private var deltaAverages: [[Float]]

    /// Defaults are PyTorch's: lr 1.0, rho 0.9, eps 1e-6, no weight decay.
    public init(parameters: [Parameter], learningRate: Float = 1, rho: Float = 0.9, epsilon: Float = 1e-6, weightDecay: Float = 0) {
        self.parameters = parameters
        self.learningRate = learningRate
        self.rho = rho
        self.epsilon = epsilon
        self.weightDecay = weightDecay
        squareAverages = parameters.map { [Float](repeating: 0, count: $0.value.count) }
        deltaAverages = squareAverages
    }

    public func step() {
        for (index, parameter) in parameters.enumerated() {
            let grad = parameter.gradient.storage
            parameter.value.withUnsafeMutableBufferPointer { p in
                for i in p.indices {
                    let g = grad[i] + weightDecay * p[i]
                    squareAverages[index][i] = rho * squareAverages[index][i] + (1 - rho) * g * g
                    let delta = (deltaAverages[index][i] + epsilon).squareRoot() / (squareAverages[index][i] + epsilon).squareRoot() * g
                    deltaAverages[index][i] = rho * deltaAverages[index][i] + (1 - rho) * delta * delta
                    p[i] -= learningRate * delta
                }
            }
        }
    }
}
