import MIL
import MILHeads
import NN
import Tensor
import XCTest

/// Every `BagHead`'s backward against central finite differences, through the mask.
final class BagHeadGradientTests: XCTestCase {
    private let step: Float = 1e-2

    func testInputGradientsMatchFiniteDifferencesAndVanishAtPadding() {
        for (name, head) in BagHeadFixtures.allHeads() {
            let batch = PoolingFixtures.scatteredBatch()
            let r = PoolingFixtures.projection(rows: 2, columns: head.classCount)
            _ = head.forward(batch, mode: .training)
            let analytic = head.backward(r)
            XCTAssertEqual(analytic.shape, batch.features.shape)
            for index in batch.features.storage.indices {
                guard batch.mask[index / BagHeadFixtures.width] else {
                    XCTAssertEqual(analytic.storage[index], 0, "\(name): padding received gradient at \(index)")
                    continue
                }
                var plus = batch.features, minus = batch.features
                plus.storage[index] += step
                minus.storage[index] -= step
                let numeric = (BagHeadFixtures.objective(head, BagBatch(features: plus, mask: batch.mask), r)
                    - BagHeadFixtures.objective(head, BagBatch(features: minus, mask: batch.mask), r)) / (2 * step)
                XCTAssertEqual(analytic.storage[index], numeric, accuracy: 2e-3 + 2e-2 * abs(numeric), "\(name) dx[\(index)]")
            }
        }
    }

    func testParameterGradientsMatchFiniteDifferences() {
        for (name, head) in BagHeadFixtures.allHeads() {
            let batch = PoolingFixtures.scatteredBatch()
            let r = PoolingFixtures.projection(rows: 2, columns: head.classCount)
            for parameter in head.parameters { parameter.zeroGradient() }
            _ = head.forward(batch, mode: .training)
            _ = head.backward(r)
            for (parameterName, parameter) in head.namedParameters {
                for index in parameter.value.storage.indices {
                    let numeric = FiniteDifference.derivative(of: parameter, at: index, step: step) { BagHeadFixtures.objective(head, batch, r) }
                    XCTAssertEqual(parameter.gradient.storage[index], numeric, accuracy: 2e-3 + 2e-2 * abs(numeric), "\(name) \(parameterName)[\(index)]")
                }
            }
        }
    }

    /// DSMIL's two-stream backward: ℓ = Σ bag ⊙ R₁ + Σ max ⊙ R₂ differentiated numerically.
    func testDualStreamSeparateStreamGradients() {
        var generator = SeededGenerator(seed: 4)
        let head = DualStreamMIL(inputWidth: BagHeadFixtures.width, queryWidth: 3, classCount: 2, generator: &generator)
        let batch = PoolingFixtures.scatteredBatch()
        let r1 = PoolingFixtures.randomMatrix(rows: 2, columns: 2, seed: 5), r2 = PoolingFixtures.randomMatrix(rows: 2, columns: 2, seed: 6)
        func objective(_ batch: BagBatch) -> Float {
            _ = head.forward(batch, mode: .inference)
            let streams = head.lastStreams!
            return zip(streams.bag.storage, r1.storage).reduce(0) { $0 + $1.0 * $1.1 } + zip(streams.max.storage, r2.storage).reduce(0) { $0 + $1.0 * $1.1 }
        }
        _ = head.forward(batch, mode: .training)
        let analytic = head.backward(bagStream: r1, maxStream: r2)
        for index in batch.features.storage.indices where batch.mask[index / BagHeadFixtures.width] {
            var plus = batch.features, minus = batch.features
            plus.storage[index] += step
            minus.storage[index] -= step
            let numeric = (objective(BagBatch(features: plus, mask: batch.mask)) - objective(BagBatch(features: minus, mask: batch.mask))) / (2 * step)
            XCTAssertEqual(analytic.storage[index], numeric, accuracy: 2e-3 + 2e-2 * abs(numeric), "dx[\(index)]")
        }
    }

    /// CLAM-MB's instance loss: the instance classifiers' gradients against finite differences
    /// (the loss is smooth in them; its input gradient, which crosses ReLU kinks and the top-k
    /// selection, is checked against PyTorch autograd in `HeadTorchReferenceTests`).
    func testCLAMInstanceLossClassifierGradients() {
        var generator = SeededGenerator(seed: 8)
        let head = CLAMMultiBranch(inputWidth: BagHeadFixtures.width, embeddingWidth: 5, attentionWidth: 3, classCount: 3, dropout: 0, generator: &generator)
        let batch = PoolingFixtures.scatteredBatch()
        for subtyping in [false, true] {
            func loss() -> Float {
                _ = head.forward(batch, mode: .training)
                return head.instanceLoss(labels: [2, 0], k: 1, subtyping: subtyping).value
            }
            for parameter in head.parameters { parameter.zeroGradient() }
            XCTAssertGreaterThan(loss(), 0)
            let analytic = head.instanceClassifiers.map { [$0.weight.gradient, $0.bias!.gradient] }
            XCTAssertEqual(head.instanceClassifiers[1].weight.gradient.storage.map(abs).max()! > 0, subtyping,
                           "class 1 is nobody's label: its classifier learns only from out-of-the-class terms")
            for (c, classifier) in head.instanceClassifiers.enumerated() {
                for (p, parameter) in [classifier.weight, classifier.bias!].enumerated() {
                    for index in parameter.value.storage.indices {
                        let numeric = FiniteDifference.derivative(of: parameter, at: index, step: step, loss)
                        XCTAssertEqual(analytic[c][p].storage[index], numeric, accuracy: 1e-3 + 1e-2 * abs(numeric),
                                       "subtyping \(subtyping) instance_classifiers.\(c)[\(p)][\(index)]")
                    }
                }
            }
        }
    }
}
