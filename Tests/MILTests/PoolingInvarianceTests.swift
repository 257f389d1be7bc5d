import MIL
import NN
import Tensor
import XCTest

/// Masking and permutation invariance of every head, forward and backward.
final class PoolingInvarianceTests: XCTestCase {
    /// Runs forward and backward on `batch`; returns pooled row `bag`, that bag's real weights,
    /// the input gradient of its real rows and every parameter gradient.
    private func run(_ pooling: any MILPooling, _ batch: BagBatch, bag: Int, upstream: [Float])
        -> (pooled: [Float], weights: [Float], inputGradient: [[Float]], parameterGradients: [[Float]]) {
        for (_, parameter) in pooling.namedParameters { parameter.zeroGradient() }
        let output = pooling.forward(batch, mode: .training)
        let width = pooling.outputWidth
        var r = Tensor(shape: [batch.bagCount, width])
        for j in 0..<width { r.storage[bag * width + j] = upstream[j] }
        let gradient = pooling.backward(r)
        let n = batch.maxInstances, d = batch.featureWidth
        let rows = (0..<n).filter { batch.mask[bag * n + $0] }.map { i in
            Array(gradient.storage[((bag * n + i) * d)..<((bag * n + i + 1) * d)])
        }
        return (Array(output.pooled.storage[(bag * width)..<((bag + 1) * width)]), batch.realValues(of: output.instanceWeights, bag: bag),
                rows, pooling.namedParameters.map(\.parameter.gradient.storage))
    }

    private func assertClose(_ a: [Float], _ b: [Float], _ message: String, tolerance: Float = 1e-5) {
        XCTAssertEqual(a.count, b.count, message)
        for (x, y) in zip(a, b) { XCTAssertEqual(x, y, accuracy: tolerance * max(1, abs(y)), message) }
    }

    func testPaddedBagGivesTheUnpaddedResult() throws {
        let bag = PoolingFixtures.randomMatrix(rows: 3, columns: PoolingFixtures.width, seed: 11)
        let other = PoolingFixtures.randomMatrix(rows: 6, columns: PoolingFixtures.width, seed: 12)
        for kind in PoolingKind.allCases {
            let pooling = PoolingFixtures.pooling(kind)
            let upstream = (0..<pooling.outputWidth).map { Float($0) - 1.5 }
            let alone = run(pooling, try BagBatch(bags: [bag]), bag: 0, upstream: upstream)
            // The same bag padded to 6 next to a longer bag, with garbage in its padded rows.
            var padded = try BagBatch(bags: [other, bag])
            var features = padded.features
            for i in 3..<6 { for j in 0..<PoolingFixtures.width { features.storage[(6 + i) * PoolingFixtures.width + j] = .nan } }
            padded = BagBatch(features: features, mask: padded.mask)
            let inBatch = run(pooling, padded, bag: 1, upstream: upstream)
            assertClose(alone.pooled, inBatch.pooled, "\(kind) pooled")
            assertClose(alone.weights, inBatch.weights, "\(kind) weights")
            XCTAssertEqual(alone.weights.reduce(0, +), 1, accuracy: 1e-5, "\(kind) weights sum")
            for (a, b) in zip(alone.inputGradient, inBatch.inputGradient) { assertClose(a, b, "\(kind) input gradient") }
            for (a, b) in zip(alone.parameterGradients, inBatch.parameterGradients) { assertClose(a, b, "\(kind) parameter gradient") }
        }
    }

    func testPaddedEntriesGetZeroWeight() {
        for kind in PoolingKind.allCases {
            let batch = PoolingFixtures.scatteredBatch()
            let weights = PoolingFixtures.pooling(kind).forward(batch, mode: .inference).instanceWeights
            for (index, real) in batch.mask.enumerated() where !real { XCTAssertEqual(weights.storage[index], 0, "\(kind)") }
        }
    }

    func testPermutingInstancesPermutesWeightsAndKeepsThePooledVector() throws {
        let bag = PoolingFixtures.randomMatrix(rows: 5, columns: PoolingFixtures.width, seed: 21)
        let permutation = [3, 0, 4, 1, 2]
        var permuted = Tensor(shape: bag.shape)
        for (target, source) in permutation.enumerated() {
            for j in 0..<PoolingFixtures.width {
                permuted.storage[target * PoolingFixtures.width + j] = bag.storage[source * PoolingFixtures.width + j]
            }
        }
        for kind in PoolingKind.allCases {
            let pooling = PoolingFixtures.pooling(kind)
            let upstream = (0..<pooling.outputWidth).map { 0.5 * Float($0) + 0.25 }
            let original = run(pooling, try BagBatch(bags: [bag]), bag: 0, upstream: upstream)
            let shuffled = run(pooling, try BagBatch(bags: [permuted]), bag: 0, upstream: upstream)
            assertClose(original.pooled, shuffled.pooled, "\(kind) pooled")
            assertClose(permutation.map { original.weights[$0] }, shuffled.weights, "\(kind) weights")
            for (target, source) in permutation.enumerated() {
                assertClose(original.inputGradient[source], shuffled.inputGradient[target], "\(kind) input gradient")
            }
            for (a, b) in zip(original.parameterGradients, shuffled.parameterGradients) { assertClose(a, b, "\(kind) parameter gradient") }
        }
    }

    func testMeanAndMaxAgainstHandValues() throws {
        let bag = Tensor(shape: [3, 2], storage: [1, 5, 4, -2, 1, 0])
        let batch = try BagBatch(bags: [bag, Tensor(shape: [1, 2], storage: [7, 7])])
        let mean = MeanPooling(inputWidth: 2).forward(batch, mode: .inference)
        XCTAssertEqual(mean.pooled.storage, [2, 1, 7, 7])
        let max = MaxPooling(inputWidth: 2).forward(batch, mode: .inference)
        XCTAssertEqual(max.pooled.storage, [4, 5, 7, 7])
        XCTAssertEqual(batch.realValues(of: max.instanceWeights, bag: 0), [0.5, 0.5, 0])
    }

    func testBatchingRejectsEmptyAndMismatchedBags() {
        XCTAssertThrowsError(try BagBatch(bags: [Tensor(shape: [0, 2])])) { XCTAssertEqual($0 as? BagBatchError, .emptyBag(index: 0)) }
        XCTAssertThrowsError(try BagBatch(bags: [Tensor(shape: [1, 2]), Tensor(shape: [1, 3])])) {
            XCTAssertEqual($0 as? BagBatchError, .featureWidthMismatch(index: 1, expected: 2, found: 3))
        }
    }
}
