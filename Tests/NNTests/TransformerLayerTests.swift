import Foundation
import NN
import Tensor
import Transformer
import XCTest

/// The transformer's pointwise and row-wise kernels against double-precision formulas, over
/// inputs that reach their edge cases (large logits, rows with an offset, vector tails).
final class TransformerLayerTests: XCTestCase {
    func testVectorExpIsWithinTwoUlpsOverItsRange() {
        var worst: Double = 0
        for step in 0...20_000 {
            let x = Float(-87 + 175 * Double(step) / 20_000)
            let exact = Foundation.exp(Double(x))
            worst = max(worst, abs(Double(VectorMath.exp(x)) - exact) / exact)
        }
        XCTAssertLessThan(worst, 2.5e-7)
        XCTAssertEqual(VectorMath.exp(0), 1)
        XCTAssertTrue(VectorMath.exp(200).isFinite)
        XCTAssertLessThan(VectorMath.exp(-200), 1e-37)
    }

    func testRowSoftmaxMatchesDoublePrecisionAndSurvivesLargeLogits() {
        var generator = SeededGenerator(seed: 3)
        for columns in [1, 5, 16, 37] {
            var input = Tensor.normal([4, columns], standardDeviation: 30, generator: &generator)
            input.storage[0] = 1e4  // would overflow without the max shift
            let output = RowSoftmax.applied(to: input)
            for row in 0..<4 {
                let logits = (0..<columns).map { Double(input.storage[row * columns + $0]) }
                let top = logits.max()!
                let total = logits.map { Foundation.exp($0 - top) }.reduce(0, +)
                for column in 0..<columns {
                    let expected = Foundation.exp(logits[column] - top) / total
                    XCTAssertEqual(Double(output.storage[row * columns + column]), expected, accuracy: 1e-6)
                }
            }
        }
    }

    func testLayerNormMatchesDoublePrecisionOnOffsetRows() {
        var generator = SeededGenerator(seed: 4)
        let width = 37
        let weight = Tensor.normal([width], generator: &generator).storage
        let bias = Tensor.normal([width], generator: &generator).storage
        let norm = LayerNorm(weight: weight, bias: bias, epsilon: 1e-6)
        var input = Tensor.normal([5, width], generator: &generator)
        for index in 0..<width { input.storage[index] += 1000 }  // a large common offset
        let output = norm.applied(to: input)
        for row in 0..<5 {
            let values = (0..<width).map { Double(input.storage[row * width + $0]) }
            let mean = values.reduce(0, +) / Double(width)
            let variance = values.map { ($0 - mean) * ($0 - mean) }.reduce(0, +) / Double(width)
            for j in 0..<width {
                let expected = (values[j] - mean) / (variance + 1e-6).squareRoot() * Double(weight[j]) + Double(bias[j])
                XCTAssertEqual(Double(output.storage[row * width + j]), expected, accuracy: 2e-4 * max(1, abs(expected)))
            }
        }
    }

    func testGELUUsesTheExactErrorFunctionAndSiLUTheLogistic() {
        let xs: [Float] = (0..<67).map { Float($0) * 0.25 - 8 }
        var gelu = xs, silu = xs
        gelu.withUnsafeMutableBufferPointer { TokenActivation.gelu.apply($0.baseAddress!, count: $0.count) }
        silu.withUnsafeMutableBufferPointer { TokenActivation.silu.apply($0.baseAddress!, count: $0.count) }
        for (index, x) in xs.enumerated() {
            let d = Double(x)
            XCTAssertEqual(Double(gelu[index]), 0.5 * d * (1 + Foundation.erf(d / 2.0.squareRoot())), accuracy: 1e-6)
            XCTAssertEqual(Double(silu[index]), d / (1 + Foundation.exp(-d)), accuracy: 1e-6)
        }
        // The tanh approximation differs from the exact GELU by ~2e-4 near x = -2.
        XCTAssertEqual(Double(TokenActivation.gelu(-2)), -0.0455002639, accuracy: 1e-7)
    }

    /// The oneDNN token linear against a double-precision product: strided input and output rows,
    /// the bias, each epilogue (none, GELU, residual with and without a layer scale), and a second
    /// row count after the weight was packed (and its row-major copy released) for the first.
    func testTokenLinearMatchesDoublePrecisionWithStridesBiasAndEachEpilogue() {
        var generator = SeededGenerator(seed: 7)
        let (inputs, outputs) = (37, 21)
        let weight = Tensor.normal([outputs, inputs], standardDeviation: 0.3, generator: &generator)
        let bias = Tensor.normal([outputs], standardDeviation: 0.5, generator: &generator)
        let gamma = Tensor.normal([outputs], generator: &generator).storage
        for epilogue in [PackedMatmul.Epilogue.none, .gelu, .scaledResidual(nil), .scaledResidual(gamma)] {
            let layer = TokenLinear(weight: weight, bias: bias, epilogue: epilogue)
            for rows in [9, 2, 9] {
                let (inputStride, outputStride) = (inputs + 3, outputs + 5)
                let input = Tensor.normal([rows, inputStride], generator: &generator).storage
                var output = Tensor.normal([rows, outputStride], generator: &generator).storage
                for row in 0..<rows { for j in outputs..<outputStride { output[row * outputStride + j] = .nan } }
                let before = output
                input.withUnsafeBufferPointer { x in
                    output.withUnsafeMutableBufferPointer { y in
                        layer.apply(x.baseAddress!, inputStride: inputStride, rows: rows, into: y.baseAddress!,
                                    outputStride: outputStride, workers: 2)
                    }
                }
                for row in 0..<rows {
                    for j in 0..<outputs {
                        var y = Double(bias.storage[j])
                        for k in 0..<inputs { y += Double(input[row * inputStride + k]) * Double(weight.storage[j * inputs + k]) }
                        let old = Double(before[row * outputStride + j])
                        let expected: Double
                        switch epilogue {
                        case .none: expected = y
                        case .gelu: expected = 0.5 * y * (1 + Foundation.erf(y / 2.0.squareRoot()))
                        case let .scaledResidual(scale): expected = old + Double(scale?[j] ?? 1) * y
                        }
                        XCTAssertEqual(Double(output[row * outputStride + j]), expected, accuracy: 1e-5 * max(1, abs(expected)),
                                       "\(epilogue), rows \(rows), [\(row), \(j)]")
                    }
                    // Padding between output rows is left alone.
                    XCTAssertTrue(output[(row * outputStride + outputs)..<((row + 1) * outputStride)].allSatisfy(\.isNaN))
                }
            }
        }
    }

    /// Every epilogue on dense rows runs on one of oneDNN's optimised kernels, never on its
    /// reference fallback (which a strided fc2 input had hit: ViT-g ran several times slower).
    func testPackedMatmulEpiloguesAvoidTheReferenceKernel() {
        var generator = SeededGenerator(seed: 9)
        let weight = Tensor.normal([36, 96], generator: &generator).storage
        let bias = [Float](repeating: 0.1, count: 36), gamma = [Float](repeating: 0.5, count: 36)
        for epilogue in [PackedMatmul.Epilogue.none, .gelu, .scaledResidual(nil), .scaledResidual(gamma)] {
            let matmul = PackedMatmul(weight: weight, inputWidth: 96, outputWidth: 36, bias: bias, epilogue: epilogue)
            let name = matmul.implementation(rows: 522, inputStride: 96, outputStride: 36)
            XCTAssertFalse(name.hasPrefix("ref"), "\(epilogue) runs on \(name)")
        }
    }

    /// The vectorised erf behind GELU, against the C library's on a dense grid through the range
    /// where it is not yet ±1, and saturated beyond it.
    func testVectorErfMatchesTheLibraryErf() {
        var worst = 0.0
        for start in stride(from: -6.0, to: 6.0, by: 16 * 0.001) {
            let x = VectorMath.Vector((0..<16).map { Float(start + Double($0) * 0.001) })
            let y = VectorMath.erf(x)
            for lane in 0..<16 { worst = max(worst, abs(Double(y[lane]) - Foundation.erf(Double(x[lane])))) }
        }
        XCTAssertLessThan(worst, 5e-7)  // the rational form is good to 7e-8; float rounding near ±1 adds the rest
        XCTAssertEqual(VectorMath.erf(VectorMath.Vector(repeating: 30))[0], 1)
        XCTAssertEqual(VectorMath.erf(VectorMath.Vector(repeating: -30))[0], -1)
    }

    func testPackedGateMultipliesTheActivatedFirstHalfByTheSecond() {
        // Two rows of [a | b] with half = 17 (one vector and a tail), rows 40 apart.
        var data = (0..<80).map { Float($0 % 23) * 0.1 - 1 }
        let original = data
        data.withUnsafeMutableBufferPointer {
            TokenActivation.silu.applyGated($0.baseAddress!, rows: 2, half: 17, stride: 40, into: $0.baseAddress!, outputStride: 40)
        }
        for row in 0..<2 {
            for j in 0..<17 {
                let a = original[row * 40 + j], b = original[row * 40 + 17 + j]
                XCTAssertEqual(data[row * 40 + j], TokenActivation.silu(a) * b, accuracy: 1e-6)
            }
            XCTAssertEqual(Array(data[(row * 40 + 17)..<(row * 40 + 40)]), Array(original[(row * 40 + 17)..<(row * 40 + 40)]))
        }
    }
}
