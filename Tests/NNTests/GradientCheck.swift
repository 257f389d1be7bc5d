import NN
import Tensor
import XCTest

/// Central-difference gradient checks for layers.
///
/// The loss is L = Σ output·probe with a fixed random probe, so dL/dOutput = probe. Numeric
/// derivatives (L(x + h) − L(x − h)) / 2h use Float forwards with L summed in Double. With
/// h = 2e-3, float rounding of the forward contributes about 1e-6/(2h) ≈ 5e-4 absolute error
/// and truncation O(h²·f‴) is below 1e-5 for these smooth tiny problems, so we accept
/// |analytic − numeric| ≤ 3e-3 + 2e-2·|numeric|. Inputs are seeded so kinks (ReLU at 0, max-pool
/// ties) stay further than h from every evaluated point.
enum GradientCheck {
    static let step: Float = 2e-3

    static func loss(_ layer: any Layer, _ input: Tensor, probe: Tensor) -> Double {
        let output = layer.forward(input, mode: .training)
        var total = 0.0
        for index in output.storage.indices { total += Double(output.storage[index]) * Double(probe.storage[index]) }
        return total
    }

    /// Checks dL/dInput and every parameter gradient of `layer` at `input`.
    static func verify(_ layer: any Layer, input: Tensor, seed: UInt64 = 7, file: StaticString = #filePath, line: UInt = #line) {
        var generator = SeededGenerator(seed: seed)
        let output = layer.forward(input, mode: .training)
        let probe = Tensor.normal(output.shape, generator: &generator)
        layer.zeroGradients()
        _ = layer.forward(input, mode: .training)
        let inputGradient = layer.backward(probe)
        XCTAssertEqual(inputGradient.shape, input.shape, file: file, line: line)
        var perturbed = input
        for index in input.storage.indices {
            perturbed.storage[index] = input.storage[index] + step
            let plus = loss(layer, perturbed, probe: probe)
            perturbed.storage[index] = input.storage[index] - step
            let minus = loss(layer, perturbed, probe: probe)
            perturbed.storage[index] = input.storage[index]
            compare(analytic: inputGradient.storage[index], numeric: Float((plus - minus) / Double(2 * step)),
                    what: "input[\(index)]", file: file, line: line)
        }
        for (name, parameter) in layer.namedParameters {
            let analytic = parameter.gradient
            for index in parameter.value.storage.indices {
                let original = parameter.value.storage[index]
                parameter.value.storage[index] = original + step
                let plus = loss(layer, input, probe: probe)
                parameter.value.storage[index] = original - step
                let minus = loss(layer, input, probe: probe)
                parameter.value.storage[index] = original
                compare(analytic: analytic.storage[index], numeric: Float((plus - minus) / Double(2 * step)),
                        what: "\(name)[\(index)]", file: file, line: line)
            }
        }
    }

    static func compare(analytic: Float, numeric: Float, what: String, file: StaticString, line: UInt) {
        XCTAssertLessThanOrEqual(abs(analytic - numeric), 3e-3 + 2e-2 * abs(numeric),
                                 "\(what): analytic \(analytic) vs numeric \(numeric)", file: file, line: line)
    }

    /// A seeded normal tensor whose entries are at least `margin` away from zero.
    static func awayFromZero(_ shape: [Int], margin: Float = 0.05, seed: UInt64) -> Tensor {
        var generator = SeededGenerator(seed: seed)
        return Tensor.normal(shape, generator: &generator).map { $0 >= 0 ? $0 + margin : $0 - margin }
    }
}
