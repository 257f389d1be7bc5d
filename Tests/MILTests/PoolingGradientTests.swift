import MIL
import NN
import Tensor
import XCTest

/// Every head's backward against central finite differences, through the mask.
final class PoolingGradientTests: XCTestCase {
    private let step: Float = 1e-2

    func testInputGradientsMatchFiniteDifferencesAndVanishAtPadding() {
        for kind in PoolingKind.allCases {
            let batch = PoolingFixtures.scatteredBatch()
            let pooling = PoolingFixtures.pooling(kind)
            let r = PoolingFixtures.projection(rows: 2, columns: pooling.outputWidth)
            _ = pooling.forward(batch, mode: .training)
            let analytic = pooling.backward(r)
            XCTAssertEqual(analytic.shape, batch.features.shape)
            for index in batch.features.storage.indices {
                let row = index / PoolingFixtures.width
                guard batch.mask[row] else {
                    XCTAssertEqual(analytic.storage[index], 0, "\(kind): padding received gradient at \(index)")
                    continue
                }
                var plus = batch.features, minus = batch.features
                plus.storage[index] += step
                minus.storage[index] -= step
                let numeric = (PoolingFixtures.objective(pooling, BagBatch(features: plus, mask: batch.mask), r)
                    - PoolingFixtures.objective(pooling, BagBatch(features: minus, mask: batch.mask), r)) / (2 * step)
                XCTAssertEqual(analytic.storage[index], numeric, accuracy: 2e-3 + 2e-2 * abs(numeric), "\(kind) dx[\(index)]")
            }
        }
    }

    func testParameterGradientsMatchFiniteDifferences() {
        for kind in PoolingKind.allCases {
            let batch = PoolingFixtures.scatteredBatch()
            let pooling = PoolingFixtures.pooling(kind)
            let r = PoolingFixtures.projection(rows: 2, columns: pooling.outputWidth)
            for (_, parameter) in pooling.namedParameters { parameter.zeroGradient() }
            _ = pooling.forward(batch, mode: .training)
            _ = pooling.backward(r)
            for (name, parameter) in pooling.namedParameters {
                for index in parameter.value.storage.indices {
                    let numeric = FiniteDifference.derivative(of: parameter, at: index, step: step) { PoolingFixtures.objective(pooling, batch, r) }
                    XCTAssertEqual(parameter.gradient.storage[index], numeric, accuracy: 2e-3 + 2e-2 * abs(numeric), "\(kind) \(name)[\(index)]")
                }
            }
        }
    }

    func testModelGradientThroughBothClassifiers() {
        for classifier in ClassifierKind.allCases {
            let batch = PoolingFixtures.scatteredBatch()
            let model = PoolingFixtures.configuration(.gatedAttention, classifier: classifier).makeModel(inputWidth: PoolingFixtures.width, seed: 5)
            let targets = Tensor(shape: [2], storage: [1, 0])
            func loss() -> Float {
                BinaryCrossEntropyWithLogits.loss(logits: model.forward(batch, mode: .inference).logits, targets: targets).value
            }
            for parameter in model.parameters { parameter.zeroGradient() }
            let logits = model.forward(batch, mode: .training).logits
            model.backward(BinaryCrossEntropyWithLogits.loss(logits: logits, targets: targets).gradient)
            for (name, parameter) in model.namedParameters {
                for index in parameter.value.storage.indices {
                    let numeric = FiniteDifference.derivative(of: parameter, at: index, step: step, loss)
                    XCTAssertEqual(parameter.gradient.storage[index], numeric, accuracy: 1e-3 + 2e-2 * abs(numeric), "\(classifier) \(name)[\(index)]")
                }
            }
        }
    }

    func testElasticNetGradientAndValue() {
        let weight = Parameter(Tensor(shape: [2, 2], storage: [0.5, -1, 2, 0.25]))
        let bias = Parameter(Tensor(shape: [2], storage: [3, -3]))
        let penalty = ElasticNet(strength: 0.1, l2Fraction: 0.25)
        let value = penalty.apply(to: [weight, bias])
        // mean|W| = 3.75/4, mean W² = 5.3125/4; bias untouched.
        let l1Term: Float = 0.75 * 3.75 / 4
        let l2Term: Float = 0.25 * 5.3125 / 4
        XCTAssertEqual(value, 0.1 * (l1Term + l2Term), accuracy: 1e-6)
        XCTAssertEqual(bias.gradient.storage, [0, 0])
        let expected: [Float] = [0.5, -1, 2, 0.25].map { (w: Float) -> Float in
            let sign: Float = w > 0 ? 1 : -1
            return 0.1 * (0.75 * sign + 0.5 * w) / 4
        }
        for (g, e) in zip(weight.gradient.storage, expected) { XCTAssertEqual(g, e, accuracy: 1e-7) }
    }
}
