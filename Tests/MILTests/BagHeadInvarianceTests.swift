import MIL
import MILHeads
import NN
import Tensor
import XCTest

/// Masking and permutation invariance of every `BagHead`, forward and backward.
final class BagHeadInvarianceTests: XCTestCase {
    /// Forward and backward on `batch`; returns bag `bag`'s logits, its instance weights (per
    /// branch, real instances only), the input gradient of its real rows and all parameter gradients.
    private func run(_ head: any BagHead, _ batch: BagBatch, bag: Int, upstream: [Float])
        -> (logits: [Float], weights: [[Float]], inputGradient: [[Float]], parameterGradients: [[Float]]) {
        for parameter in head.parameters { parameter.zeroGradient() }
        let output = head.forward(batch, mode: .training)
        let c = head.classCount, n = batch.maxInstances, d = batch.featureWidth
        var r = Tensor(shape: [batch.bagCount, c])
        for k in 0..<c { r.storage[bag * c + k] = upstream[k] }
        let gradient = head.backward(r)
        let real = (0..<n).filter { batch.mask[bag * n + $0] }
        let branches = output.instanceWeights.shape[1]
        let weights = (0..<branches).map { k in real.map { output.instanceWeights.storage[(bag * branches + k) * n + $0] } }
        let rows = real.map { i in Array(gradient.storage[((bag * n + i) * d)..<((bag * n + i + 1) * d)]) }
        return (Array(output.logits.storage[(bag * c)..<((bag + 1) * c)]), weights, rows, head.parameters.map(\.gradient.storage))
    }

    private func assertClose(_ a: [Float], _ b: [Float], _ message: String, tolerance: Float = 1e-5) {
        XCTAssertEqual(a.count, b.count, message)
        for (x, y) in zip(a, b) { XCTAssertEqual(x, y, accuracy: tolerance * max(1, abs(y)), message) }
    }

    func testPaddedBagGivesTheUnpaddedResult() throws {
        let bag = PoolingFixtures.randomMatrix(rows: 3, columns: BagHeadFixtures.width, seed: 11)
        let other = PoolingFixtures.randomMatrix(rows: 6, columns: BagHeadFixtures.width, seed: 12)
        for (name, head) in BagHeadFixtures.allHeads() {
            let upstream = (0..<head.classCount).map { Float($0) - 0.7 }
            let alone = run(head, try BagBatch(bags: [bag]), bag: 0, upstream: upstream)
            var padded = try BagBatch(bags: [other, bag])
            var features = padded.features
            for i in 3..<6 { for j in 0..<BagHeadFixtures.width { features.storage[(6 + i) * BagHeadFixtures.width + j] = .nan } }
            padded = BagBatch(features: features, mask: padded.mask)
            let inBatch = run(head, padded, bag: 1, upstream: upstream)
            assertClose(alone.logits, inBatch.logits, "\(name) logits")
            for (a, b) in zip(alone.weights, inBatch.weights) {
                assertClose(a, b, "\(name) weights")
                if !(head is TransMIL) { XCTAssertEqual(a.reduce(0, +), 1, accuracy: 1e-5, "\(name) weights sum") }
            }
            for (a, b) in zip(alone.inputGradient, inBatch.inputGradient) { assertClose(a, b, "\(name) input gradient") }
            for (a, b) in zip(alone.parameterGradients, inBatch.parameterGradients) { assertClose(a, b, "\(name) parameter gradient") }
        }
    }

    func testPermutingInstancesPermutesWeightsAndKeepsTheLogits() throws {
        let bag = PoolingFixtures.randomMatrix(rows: 5, columns: BagHeadFixtures.width, seed: 21)
        let permutation = [3, 0, 4, 1, 2]
        var permuted = Tensor(shape: bag.shape)
        for (target, source) in permutation.enumerated() {
            for j in 0..<BagHeadFixtures.width { permuted.storage[target * BagHeadFixtures.width + j] = bag.storage[source * BagHeadFixtures.width + j] }
        }
        for (name, head) in BagHeadFixtures.heads() {
            let upstream = (0..<head.classCount).map { 0.5 * Float($0) + 0.25 }
            let original = run(head, try BagBatch(bags: [bag]), bag: 0, upstream: upstream)
            let shuffled = run(head, try BagBatch(bags: [permuted]), bag: 0, upstream: upstream)
            assertClose(original.logits, shuffled.logits, "\(name) logits")
            for (a, b) in zip(original.weights, shuffled.weights) { assertClose(permutation.map { a[$0] }, b, "\(name) weights") }
            for (target, source) in permutation.enumerated() {
                assertClose(original.inputGradient[source], shuffled.inputGradient[target], "\(name) input gradient")
            }
            for (a, b) in zip(original.parameterGradients, shuffled.parameterGradients) { assertClose(a, b, "\(name) parameter gradient") }
        }
    }

    func testLoadingRejectsWrongNamesAndShapesAndChangesNothing() {
        var generator = SeededGenerator(seed: 2)
        let head = DualStreamMIL(inputWidth: 4, queryWidth: 3, classCount: 1, generator: &generator)
        var state = head.stateDictionary()
        let before = state
        state["q_nn.weight"] = Tensor(shape: [2, 4])
        state["extra"] = Tensor(shape: [1])
        state["inst_classifier.bias"] = nil
        XCTAssertThrowsError(try head.load(state)) { error in
            let failure = error as? BagHeadLoadError
            XCTAssertEqual(failure?.missing, ["inst_classifier.bias"])
            XCTAssertEqual(failure?.unexpected, ["extra"])
            XCTAssertEqual(failure?.wrongShapes, ["q_nn.weight: expected [3, 4], found [2, 4]"])
        }
        XCTAssertEqual(head.stateDictionary(), before)
    }
}
