import NN
import Tensor
import XCTest

/// Three steps on p = [1, −2] with gradients [0.5, 0.25], [−0.3, 0.25], [0.1, −1]. Expected values
/// follow torch.optim's formulas; the first step of each is easy to redo by hand, e.g. SGD:
/// 1 − 0.1·(0.5 + 0.01·1) = 0.949; Adam's first step moves every element by lr.
final class OptimizerTests: XCTestCase {
    private let gradients: [[Float]] = [[0.5, 0.25], [-0.3, 0.25], [0.1, -1.0]]

    private func run(_ make: (Parameter) -> any Optimizer) -> [[Float]] {
        let parameter = Parameter(Tensor(shape: [2], storage: [1, -2]))
        let optimizer = make(parameter)
        return gradients.map { gradient in
            optimizer.zeroGradients()
            parameter.gradient.add(Tensor(shape: [2], storage: gradient))
            optimizer.step()
            return parameter.value.storage
        }
    }

    private func assertClose(_ actual: [[Float]], _ expected: [[Float]], file: StaticString = #filePath, line: UInt = #line) {
        for (a, e) in zip(actual.joined(), expected.joined()) {
            XCTAssertEqual(a, e, accuracy: 2e-6, file: file, line: line)
        }
    }

    func testSGDWithMomentumAndWeightDecay() {
        assertClose(run { SGD(parameters: [$0], learningRate: 0.1, momentum: 0.9, weightDecay: 0.01) },
                    [[0.949, -2.023], [0.932151, -2.066677], [0.906055, -2.003920]])
    }

    func testSGDWithNesterov() {
        assertClose(run { SGD(parameters: [$0], learningRate: 0.1, momentum: 0.9, weightDecay: 0.01, nesterov: true) },
                    [[0.9031, -2.0437], [0.917074, -2.105947], [0.882721, -1.947307]])
    }

    func testPlainSGD() {
        assertClose(run { SGD(parameters: [$0], learningRate: 0.5) }, [[0.75, -2.125], [0.9, -2.25], [0.85, -1.75]])
    }

    func testAdamWithWeightDecay() {
        assertClose(run { Adam(parameters: [$0], learningRate: 0.1, weightDecay: 0.1) },
                    [[0.9, -2.1], [0.861353, -2.198812], [0.814718, -2.139019]])
    }

    func testAdadeltaWithWeightDecay() {
        assertClose(run { Adadelta(parameters: [$0], learningRate: 1, weightDecay: 0.1) },
                    [[0.996838, -2.003156], [0.998322, -2.006384], [0.996805, -2.000971]])
    }
}
