import Foundation
import Tensor

/// Binary cross-entropy on probabilities, as `torch.nn.BCELoss()` with mean reduction.
///
/// Each log term is clamped to ≥ −100, as PyTorch does, so p = 0 or 1 gives a finite loss; the
/// gradient (p − y)/max(p·(1 − p), 1e-12)/count uses PyTorch's epsilon.
public enum BinaryCrossEntropy {
    /// - Parameters: probabilities in [0, 1]; targets in [0, 1], same shape.
    public static func loss(probabilities p: Tensor, targets y: Tensor) -> LossValue {
        precondition(p.shape == y.shape, "BCE shapes differ: \(p.shape) vs \(y.shape)")
        let n = Float(p.count)
        var total = 0.0
        var gradient = Tensor(shape: p.shape)
        for i in p.storage.indices {
            let pi = p.storage[i], yi = y.storage[i]
            let logP = max(logf(pi), -100), logQ = max(logf(1 - pi), -100)
            total -= Double(yi * logP + (1 - yi) * logQ)
            gradient.storage[i] = (pi - yi) / max(pi * (1 - pi), 1e-12) / n
        }
        return LossValue(value: Float(total / Double(n)), gradient: gradient)
    }
}

/// Binary cross-entropy on logits, as `torch.nn.BCEWithLogitsLoss()` with mean reduction, in the
/// stable form max(x, 0) − x·y + log(1 + e^−|x|).
public enum BinaryCrossEntropyWithLogits {
    /// - Parameters: logits of any shape; targets in [0, 1], same shape.
    public static func loss(logits x: Tensor, targets y: Tensor) -> LossValue {
        precondition(x.shape == y.shape, "BCEWithLogits shapes differ: \(x.shape) vs \(y.shape)")
        let n = Float(x.count)
        var total = 0.0
        var gradient = Tensor(shape: x.shape)
        for i in x.storage.indices {
            let xi = x.storage[i], yi = y.storage[i]
            total += Double(max(xi, 0) - xi * yi + log1pf(expf(-abs(xi))))
            gradient.storage[i] = (Sigmoid.logistic(xi) - yi) / n
        }
        return LossValue(value: Float(total / Double(n)), gradient: gradient)
    }
}
