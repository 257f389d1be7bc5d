import Foundation
import Tensor

/// Adam with PyTorch's `torch.optim.Adam` formulas (L2 weight decay, not AdamW; no amsgrad):
/// g ← grad + λ·p; m ← β₁m + (1 − β₁)g; v ← β₂v + (1 − β₂)g²;
/// p ← p − lr/(1 − β₁ᵗ) · m / (√v/√(1 − β₂ᵗ) + ε).
public final class Adam: Optimizer {
    public let parameters: [Parameter]
    public var learningRate: Float
    public let beta1: Float
    public let beta2: Float
    public let epsilon: Float
    public let weightDecay: Float
    /// Steps taken so far (t in the bias corrections).
    public private(set) var stepCount = 0
    private var firstMoments: [[Float]]
    private var secondMoments: [[Float]]

    /// Defaults are PyTorch's: lr 1e-3, betas (0.9, 0.999), eps 1e-8, no weight decay.
    public init(parameters: [Parameter], learningRate: Float = 1e-3, beta1: Float = 0.9, beta2: Float = 0.999,
                epsilon: Float = 1e-8, weightDecay: Float = 0) {
        self.parameters = parameters
        self.learningRate = learningRate
        self.beta1 = beta1
        self.beta2 = beta2
        self.epsilon = epsilon
        self.weightDecay = weightDecay
        firstMoments = parameters.map { [Float](repeating: 0, count: $0.value.count) }
        secondMoments = firstMoments
    }

    public func step() {
        stepCount += 1
        let correction1 = 1 - pow(Double(beta1), Double(stepCount))
        let correction2Root = Float((1 - pow(Double(beta2), Double(stepCount))).squareRoot())
        let stepSize = Float(Double(learningRate) / correction1)
        for (index, parameter) in parameters.enumerated() {
            let grad = parameter.gradient.storage
            parameter.value.withUnsafeMutableBufferPointer { p in
                for i in p.indices {
                    let g = grad[i] + weightDecay * p[i]
                    firstMoments[index][i] = beta1 * firstMoments[index][i] + (1 - beta1) * g
                    secondMoments[index][i] = beta2 * secondMoments[index][i] + (1 - beta2) * g * g
                    let denominator = secondMoments[index][i].squareRoot() / correction2Root + epsilon
                    p[i] -= stepSize * firstMoments[index][i] / denominator
                }
            }
        }
    }
}
