import Foundation
import Tensor
import XCTest

/// The oneDNN convolution kernels against a naive float64 reference, on shapes that do not fit
/// the kernels' vector widths and blockings, once with the direct algorithm and once with Winograd
/// (which oneDNN 2.6 has on AVX-512 only; elsewhere that run checks the fallback to direct). Runs on
/// whatever ISA the process uses; the spawning test in `ISAPathTests` re-runs it under every
/// `SLIDEMIL_CPU_ISA` the CPU supports.
final class DNNLConvolutionTests: XCTestCase {
    private struct Case {
        let batch, inputChannels, outputChannels, height, width, kernel, stride, padding: Int
        let residual, relu: Bool
        /// The residual is passed in the output buffer itself (the in-place accumulation
        /// `FoldedResNet` uses).
        var inPlace = false
    }

    private let cases: [Case] = [
        // The stem: 7×7 stride 2 over 3 channels, batch 1.
        Case(batch: 1, inputChannels: 3, outputChannels: 5, height: 13, width: 11, kernel: 7, stride: 2, padding: 3,
             residual: false, relu: true),
        // 3×3 stride 1, channels not a multiple of 8 or 16, odd batch, residual + ReLU.
        Case(batch: 3, inputChannels: 17, outputChannels: 33, height: 9, width: 7, kernel: 3, stride: 1, padding: 1,
             residual: true, relu: true),
        // Stride-1 3×3 shapes oneDNN runs on its Winograd kernels when asked: F(2×2, 3×3) at
        // batch 1 (3 input channels; 17 → 33 with a copied residual), F(4×4, 3×3) for the others
        // (batches 2 and 5, 96 channels, residual in place with and without ReLU).
        Case(batch: 1, inputChannels: 3, outputChannels: 5, height: 8, width: 8, kernel: 3, stride: 1, padding: 1,
             residual: false, relu: true),
        Case(batch: 1, inputChannels: 17, outputChannels: 33, height: 9, width: 7, kernel: 3, stride: 1, padding: 1,
             residual: true, relu: true),
        Case(batch: 2, inputChannels: 16, outputChannels: 24, height: 9, width: 9, kernel: 3, stride: 1, padding: 1,
             residual: false, relu: false),
        Case(batch: 5, inputChannels: 20, outputChannels: 40, height: 6, width: 5, kernel: 3, stride: 1, padding: 1,
             residual: true, relu: false, inPlace: true),
        Case(batch: 1, inputChannels: 96, outputChannels: 96, height: 16, width: 16, kernel: 3, stride: 1, padding: 1,
             residual: true, relu: true, inPlace: true),
        // 3×3 stride 2 with padding on an odd map.
        Case(batch: 2, inputChannels: 16, outputChannels: 24, height: 9, width: 9, kernel: 3, stride: 2, padding: 1,
             residual: false, relu: true),
        // 1×1 stride 1 (bottleneck), residual without ReLU.
        Case(batch: 5, inputChannels: 20, outputChannels: 70, height: 5, width: 6, kernel: 1, stride: 1, padding: 0,
             residual: true, relu: false),
        // 1×1 stride 2 (projection shortcut), batch 1, no epilogue but bias.
        Case(batch: 1, inputChannels: 40, outputChannels: 19, height: 7, width: 8, kernel: 1, stride: 2, padding: 0,
             residual: false, relu: false),
        // Wide enough to use the blocked 1×1 path (64 → 256) at an odd batch, residual in place.
        Case(batch: 3, inputChannels: 64, outputChannels: 256, height: 7, width: 7, kernel: 1, stride: 1, padding: 0,
             residual: true, relu: true, inPlace: true),
        // Narrow bottleneck expansions (8 → 32, 4 → 16) with residual + ReLU, as in the reduced
        // ResNet-50 of FoldedResNetTests, which gave wrong results on oneDNN 2.6's SSE4.1 path
        // while the residual was added by a binary-add post-op.
        Case(batch: 1, inputChannels: 8, outputChannels: 32, height: 5, width: 5, kernel: 1, stride: 1, padding: 0,
             residual: true, relu: true),
        Case(batch: 1, inputChannels: 4, outputChannels: 16, height: 10, width: 10, kernel: 1, stride: 1, padding: 0,
             residual: true, relu: true, inPlace: true),
    ]

    func testDirectKernelsMatchNaiveReference() {
        checkKernels(.direct)
    }

    func testWinogradKernelsMatchNaiveReference() {
        checkKernels(.winograd)
    }

    /// Asking for Winograd runs oneDNN's Winograd kernels on every stride-1 3×3 case where the
    /// process's ISA has them (AVX-512), so the Winograd test cannot pass on the direct kernels,
    /// and runs direct everywhere else.
    func testWinogradIsTakenWhereImplemented() {
        let isAVX512 = DNNL.effectiveISA.hasPrefix("avx512")
        XCTAssertEqual(DNNL.winogradAvailable, isAVX512, "Winograd availability on \(DNNL.effectiveISA)")
        for c in cases {
            for algorithm in [DNNLConvolutionAlgorithm.direct, .winograd] {
                let convolution = DNNLConvolution(inputChannels: c.inputChannels, outputChannels: c.outputChannels,
                                                  kernel: c.kernel, stride: c.stride, padding: c.padding,
                                                  weights: [Float](repeating: 0, count: c.kernel * c.kernel * c.inputChannels * c.outputChannels),
                                                  bias: [Float](repeating: 0, count: c.outputChannels), algorithm: algorithm)
                let name = convolution.implementation(batch: c.batch, height: c.height, width: c.width,
                                                      residual: c.residual, relu: c.relu)
                let expectWinograd = algorithm == .winograd && isAVX512 && c.kernel == 3 && c.stride == 1
                XCTAssertEqual(name.contains("wino"), expectWinograd, "\(algorithm) on \(c) ran \(name)")
            }
        }
    }

    private func checkKernels(_ algorithm: DNNLConvolutionAlgorithm) {
        if let requested = ProcessInfo.processInfo.environment["SLIDEMIL_CPU_ISA"], requested != "all" {
            let prefix = requested == "avx512" ? "avx512_core" : requested
            XCTAssertTrue(DNNL.effectiveISA.hasPrefix(prefix), "SLIDEMIL_CPU_ISA=\(requested) but kernels use \(DNNL.effectiveISA)")
        }
        var generator = SeededGenerator(seed: 11)
        let context = DNNLExecutionContext()
        for (index, c) in cases.enumerated() {
            let k = c.kernel
            let weights = Tensor.normal([k * k * c.inputChannels * c.outputChannels], generator: &generator).storage
            let bias = Tensor.normal([c.outputChannels], generator: &generator).storage
            let input = Tensor.normal([c.batch * c.height * c.width * c.inputChannels], generator: &generator).storage
            let convolution = DNNLConvolution(inputChannels: c.inputChannels, outputChannels: c.outputChannels, kernel: k,
                                              stride: c.stride, padding: c.padding, weights: weights, bias: bias,
                                              algorithm: algorithm)
            let (oh, ow) = convolution.outputSize(height: c.height, width: c.width)
            let count = c.batch * oh * ow * c.outputChannels
            let residual = c.residual ? Tensor.normal([count], generator: &generator).storage : nil
            var output = c.inPlace ? residual! : [Float](repeating: .nan, count: count)
            input.withUnsafeBufferPointer { x in
                output.withUnsafeMutableBufferPointer { y in
                    if c.inPlace {
                        convolution.run(x.baseAddress!, batch: c.batch, height: c.height, width: c.width, into: y.baseAddress!,
                                        residual: UnsafePointer(y.baseAddress!), relu: c.relu, context: context)
                    } else if let residual {
                        residual.withUnsafeBufferPointer { r in
                            convolution.run(x.baseAddress!, batch: c.batch, height: c.height, width: c.width, into: y.baseAddress!,
                                            residual: r.baseAddress!, relu: c.relu, context: context)
                        }
                    } else {
                        convolution.run(x.baseAddress!, batch: c.batch, height: c.height, width: c.width, into: y.baseAddress!,
                                        residual: nil, relu: c.relu, context: context)
                    }
                }
            }
            let expected = naive(c, input: input, weights: weights, bias: bias, residual: residual, outputHeight: oh, outputWidth: ow)
            let scale = max(expected.map(abs).max() ?? 0, 1e-6)
            let error = zip(output, expected).map { abs(Double($0) - $1) }.max() ?? .infinity
            let name = convolution.implementation(batch: c.batch, height: c.height, width: c.width, residual: c.residual,
                                                  relu: c.relu)
            print("case \(index) \(name): max error \(error / scale) of the largest value")
            XCTAssertLessThanOrEqual(error, 1e-5 * scale, "case \(index) (\(c)) on \(name): max error \(error)")
        }
    }

    /// NHWC convolution with HWIO weights, summed in float64.
    private func naive(_ c: Case, input: [Float], weights: [Float], bias: [Float], residual: [Float]?,
                       outputHeight oh: Int, outputWidth ow: Int) -> [Double] {
        var output = [Double](repeating: 0, count: c.batch * oh * ow * c.outputChannels)
        for n in 0..<c.batch { for oy in 0..<oh { for ox in 0..<ow { for o in 0..<c.outputChannels {
            var total = Double(bias[o])
            for ky in 0..<c.kernel { for kx in 0..<c.kernel {
                let iy = oy * c.stride - c.padding + ky, ix = ox * c.stride - c.padding + kx
                guard iy >= 0, iy < c.height, ix >= 0, ix < c.width else { continue }
                for i in 0..<c.inputChannels {
                    total += Double(input[((n * c.height + iy) * c.width + ix) * c.inputChannels + i])
                        * Double(weights[((ky * c.kernel + kx) * c.inputChannels + i) * c.outputChannels + o])
                }
            } }
            let at = ((n * oh + oy) * ow + ox) * c.outputChannels + o
            if let residual { total += Double(residual[at]) }
            output[at] = c.relu ? max(total, 0) : total
        } } } }
        return output
    }
}
