import NN
import Tensor

/// TransMIL's PPEG (Pyramid Position Encoding Generator): the instance tokens, laid out row by
/// row on a P×P grid, plus three depthwise convolutions of them (7×7, 5×5, 3×3, "same" padding,
/// with bias); the class token passes through unchanged.
///
/// y = x + dw7(x) + dw5(x) + dw3(x) per channel, as torchmil's `PPEG`. Token t (after the class
/// token) sits at grid row t / P, column t % P. Parameters `proj.*` [E, 1, 7, 7] (+ bias [E]),
/// `proj1.*` [E, 1, 5, 5], `proj2.*` [E, 1, 3, 3]. Cost: 2·83·E·P² flops.
final class PyramidPositionEncoding {
    let width: Int
    /// (kernel size, weight, bias) of `proj`, `proj1`, `proj2`.
    let convolutions: [(kernel: Int, weight: Parameter, bias: Parameter)]

    /// PyTorch's default Conv2d initialisation for a depthwise kernel (fan-in k²).
    init(width: Int, generator: inout SeededGenerator) {
        self.width = width
        convolutions = [7, 5, 3].map { k in
            let bound = 1 / Float(k * k).squareRoot()
            return (k, Parameter(Tensor.uniform([width, 1, k, k], in: -bound, bound, generator: &generator)),
                    Parameter(Tensor.uniform([width], in: -bound, bound, generator: &generator)))
        }
    }

    var namedParameters: [(name: String, parameter: Parameter)] {
        zip(["proj", "proj1", "proj2"], convolutions).flatMap { name, conv in
            [(name: "\(name).weight", parameter: conv.weight), (name: "\(name).bias", parameter: conv.bias)]
        }
    }

    /// Applies the encoding to [1 + P², E] tokens; the input is all `backward` needs.
    func forward(_ tokens: Tensor, side p: Int) -> Tensor {
        precondition(tokens.shape == [1 + p * p, width], "PPEG expects [1 + \(p * p), \(width)] tokens, got \(tokens.shape)")
        var output = tokens
        let e = width
        for (k, weight, bias) in convolutions {
            let taps = Self.tapMajor(weight.value, kernel: k, width: e)   // [k², E]: channels contiguous
            tokens.withUnsafeBufferPointer { x in
                output.withUnsafeMutableBufferPointer { y in
                    Self.visit(side: p, kernel: k) { target, source, tap in
                        for c in 0..<e { y[target * e + c] += taps[tap * e + c] * x[source * e + c] }
                    }
                    for token in 1...(p * p) { for c in 0..<e { y[token * e + c] += bias.value.storage[c] } }
                }
            }
        }
        return output
    }

    /// dTokens from dOutput; accumulates the kernel and bias gradients.
    func backward(_ outputGradient: Tensor, tokens: Tensor, side p: Int) -> Tensor {
        var inputGradient = outputGradient
        let e = width
        for (k, weight, bias) in convolutions {
            let taps = Self.tapMajor(weight.value, kernel: k, width: e)
            var tapGradient = [Float](repeating: 0, count: k * k * e)
            outputGradient.withUnsafeBufferPointer { g in
                tokens.withUnsafeBufferPointer { x in
                    inputGradient.withUnsafeMutableBufferPointer { dx in
                        Self.visit(side: p, kernel: k) { target, source, tap in
                            for c in 0..<e {
                                tapGradient[tap * e + c] += g[target * e + c] * x[source * e + c]
                                dx[source * e + c] += g[target * e + c] * taps[tap * e + c]
                            }
                        }
                    }
                }
                for token in 1...(p * p) { for c in 0..<e { bias.gradient.storage[c] += g[token * e + c] } }
            }
            for tap in 0..<(k * k) { for c in 0..<e { weight.gradient.storage[c * k * k + tap] += tapGradient[tap * e + c] } }
        }
        return inputGradient
    }

    /// Calls `body(target token, source token, tap)` for every in-bounds kernel tap of every
    /// grid position (tokens counted after the class token, so grid cell (r, c) is token 1 + rP + c).
    private static func visit(side p: Int, kernel k: Int, _ body: (Int, Int, Int) -> Void) {
        let half = k / 2
        for row in 0..<p {
            for column in 0..<p {
                for dy in -half...half where row + dy >= 0 && row + dy < p {
                    for dx in -half...half where column + dx >= 0 && column + dx < p {
                        body(1 + row * p + column, 1 + (row + dy) * p + column + dx, (dy + half) * k + dx + half)
                    }
                }
            }
        }
    }

    /// [E, 1, k, k] depthwise weights as [k², E].
    private static func tapMajor(_ weight: Tensor, kernel k: Int, width e: Int) -> [Float] {
        var result = [Float](repeating: 0, count: k * k * e)
        for c in 0..<e { for tap in 0..<(k * k) { result[tap * e + c] = weight.storage[c * k * k + tap] } }
        return result
    }
}
