import Foundation
import Tensor

/// Multi-class cross-entropy on logits, as `torch.nn.CrossEntropyLoss()` with mean reduction:
/// mean over samples of logsumexp(x) − x[target], computed through a max-shifted log-softmax so
/// large logits neither overflow nor lose the small terms.
public enum CrossEntropy {
    /// - Parameters: logits [N, C]; classes: N class indices in 0..<C.
    /// - Returns: the mean loss and dLoss/dLogits = (softmax − one-hot)/N.
    public static func loss(logits: Tensor, classes: [Int]) -> LossValue {
        precondition(logits.rank == 2 && logits.shape[0] == classes.count, "cross-entropy expects [N, C] logits and N classes")
        let n = logits.shape[0], c = logits.shape[1]
        var gradient = Tensor(shape: logits.shape)
        var total = 0.0
        for row in 0..<n {
            let target = classes[row]
            precondition(target >= 0 && target < c, "class \(target) out of range 0..<\(c)")
            let base = row * c
            var maximum = -Float.infinity
            for j in 0..<c { maximum = max(maximum, logits.storage[base + j]) }
            var sum = 0.0
            for j in 0..<c { sum += Double(expf(logits.storage[base + j] - maximum)) }
            let logSum = Float(log(sum)) + maximum
            total += Double(logSum - logits.storage[base + target])
            for j in 0..<c {
                let probability = expf(logits.storage[base + j] - logSum)
                gradient.storage[base + j] = (probability - (j == target ? 1 : 0)) / Float(n)
            }
        }
        return LossValue(value: Float(total / Double(n)), gradient: gradient)
    }
}
