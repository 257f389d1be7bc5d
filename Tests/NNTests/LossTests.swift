import NN
import Tensor
import XCTest

/// Values are PyTorch's for the same inputs (checked with torch.nn.functional); the easy terms are
/// hand-checkable: −log 0.8 = 0.22314, and a clamped log contributes exactly 100.
final class LossTests: XCTestCase {
    func testBinaryCrossEntropyClampsTheLog() {
        let result = BinaryCrossEntropy.loss(probabilities: Tensor(shape: [4], storage: [0.8, 0.3, 0, 1]),
                                             targets: Tensor(shape: [4], storage: [1, 0, 1, 1]))
        XCTAssertEqual(result.value, 25.144955, accuracy: 1e-4)
        XCTAssertTrue(result.gradient.storage.allSatisfy(\.isFinite))
        XCTAssertEqual(result.gradient.storage[0], (0.8 - 1) / (0.8 * 0.2) / 4, accuracy: 1e-6)
    }

    func testBinaryCrossEntropyWithLogitsIsStable() {
        let result = BinaryCrossEntropyWithLogits.loss(logits: Tensor(shape: [4], storage: [2, -1, 1000, -30]),
                                                       targets: Tensor(shape: [4], storage: [1, 0, 0, 0.5]))
        XCTAssertEqual(result.value, 253.86005, accuracy: 1e-3)
        XCTAssertEqual(result.gradient.storage[2], 0.25, accuracy: 1e-7)
        XCTAssertEqual(result.gradient.storage[3], -0.125, accuracy: 1e-7)
    }

    func testCrossEntropyWithLargeLogits() {
        let result = CrossEntropy.loss(logits: Tensor(shape: [2, 3], storage: [1, 2, 3, 1000, 0, -5]), classes: [2, 1])
        XCTAssertEqual(result.value, 500.2038, accuracy: 1e-3)
        XCTAssertEqual(result.gradient.storage[4], -0.5, accuracy: 1e-6)
        XCTAssertEqual(result.gradient.storage[3], 0.5, accuracy: 1e-6)
    }

    /// Central differences of the loss value itself (Float inputs, h = 1e-3; these losses are
    /// smooth and O(1), so 1e-3 absolute agreement is far above rounding noise).
    func testLossGradientsMatchFiniteDifferences() {
        var generator = SeededGenerator(seed: 21)
        let logits = Tensor.normal([3, 4], generator: &generator)
        let classes = [0, 3, 1]
        let probabilities = Tensor.uniform([5], in: 0.1, 0.9, generator: &generator)
        let targets = Tensor.uniform([5], in: 0, 1, generator: &generator)
        let cases: [(Tensor, (Tensor) -> LossValue)] = [
            (logits, { CrossEntropy.loss(logits: $0, classes: classes) }),
            (probabilities, { BinaryCrossEntropy.loss(probabilities: $0, targets: targets) }),
            (logits.reshaped([12]), { BinaryCrossEntropyWithLogits.loss(logits: $0, targets: Tensor(shape: [12], repeating: 0.3)) }),
        ]
        for (input, lossFunction) in cases {
            let analytic = lossFunction(input).gradient
            for index in input.storage.indices {
                var plus = input, minus = input
                plus.storage[index] += 1e-3
                minus.storage[index] -= 1e-3
                let numeric = (lossFunction(plus).value - lossFunction(minus).value) / 2e-3
                XCTAssertEqual(analytic.storage[index], numeric, accuracy: 1e-3)
            }
        }
    }
}
