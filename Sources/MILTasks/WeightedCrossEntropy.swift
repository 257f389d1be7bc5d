import Foundation
import NN
import Tensor

/// Softmax cross-entropy on [B, C] bag logits with optional per-class weights, as
/// `torch.nn.CrossEntropyLoss(weight=w)` with mean reduction:
///
///     loss = Σ_i w[y_i] · (logsumexp(x_i) − x_i[y_i]) / Σ_i w[y_i]
///
/// so a weighted batch is a weighted mean (not a plain mean of weighted terms), and without
/// weights it is the plain mean. Computed through a max-shifted log-softmax in double precision,
/// so large logits neither overflow nor lose small terms.
public enum WeightedCrossEntropy {
    /// - Parameters:
    ///   - logits: [B, C].
    ///   - classes: B class indices in 0..<C.
    ///   - classWeights: C non-negative weights, or nil for all ones.
    /// - Returns: the loss and dLoss/dLogits = w[y_i]·(softmax(x_i) − onehot(y_i)) / Σ w[y].
    /// - Precondition: Σ_i w[y_i] > 0.
    public static func loss(logits: Tensor, classes: [Int], classWeights: [Float]? = nil) -> LossValue {
        precondition(logits.rank == 2 && logits.shape[0] == classes.count, "cross-entropy expects [B, C] logits and B classes, got \(logits.shape) and \(classes.count)")
        let n = logits.shape[0], c = logits.shape[1]
        if let classWeights { precondition(classWeights.count == c, "\(classWeights.count) class weights for \(c) classes") }
        let weight = { (target: Int) -> Double in Double(classWeights?[target] ?? 1) }
        let normaliser = classes.reduce(0.0) { $0 + weight($1) }
        precondition(normaliser > 0, "the samples' class weights sum to zero")
        var gradient = Tensor(shape: logits.shape)
        var total = 0.0
        for row in 0..<n {
            let target = classes[row]
            precondition(target >= 0 && target < c, "class \(target) out of range 0..<\(c)")
            let base = row * c
            var top = -Double.infinity
            for j in 0..<c { top = max(top, Double(logits.storage[base + j])) }
            var sum = 0.0
            for j in 0..<c { sum += exp(Double(logits.storage[base + j]) - top) }
            let logSum = log(sum) + top
            let w = weight(target)
            total += w * (logSum - Double(logits.storage[base + target]))
            for j in 0..<c {
                let probability = exp(Double(logits.storage[base + j]) - logSum)
                gradient.storage[base + j] = Float(w * (probability - (j == target ? 1 : 0)) / normaliser)
            }
        }
        return LossValue(value: Float(total / normaliser), gradient: gradient)
    }

    /// Inverse-frequency class weights n / (C · n_c), scikit-learn's `class_weight="balanced"`:
    /// every class contributes equally to the weighted loss. A class with no sample gets weight 0.
    public static func balancedWeights(classes: [Int], classCount: Int) -> [Float] {
        var counts = [Int](repeating: 0, count: classCount)
        for c in classes {
            precondition((0..<classCount).contains(c), "class \(c) out of range 0..<\(classCount)")
            counts[c] += 1
        }
        return counts.map { $0 == 0 ? 0 : Float(classes.count) / Float(classCount * $0) }
    }
}
