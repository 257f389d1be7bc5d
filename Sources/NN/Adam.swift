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
        let beta1 = beta1, beta2 = beta2, epsilon = epsilon, weightDecay = weightDecay
        for (index, parameter) in parameters.enumerated() {
            // Buffer pointers, not `firstMoments[index][i]`: indexing the class's nested arrays
            // costs an exclusivity check and a uniqueness check per element, which made this
            // loop the bulk of a small MIL model's training time.
            parameter.gradient.storage.withUnsafeBufferPointer { grad in
                firstMoments[index].withUnsafeMutableBufferPointer { m in
                    secondMoments[index].withUnsafeMutableBufferPointer { v in
                        parameter.value.withUnsafeMutableBufferPointer { p in
                            for i in p.indices {
                                let g = grad[i] + weightDecay * p[i]
                                m[i] = beta1 * m[i] + (1 - beta1) * g
                                v[i] = beta2 * v[i] + (1 - beta2) * g * g
                                let denominator = v[i].squareRoot() / correction2Root + epsilon
                                p[i] -= stepSize * m[i] / denominator
                            }
                        }
                    }
                }
            }
        }
    }
}
