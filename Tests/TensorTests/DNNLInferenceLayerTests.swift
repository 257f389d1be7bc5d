import Foundation
import Tensor
import XCTest

/// The oneDNN layers `FoldedResNet` runs around its convolutions, against plain loops: the max
/// pool and the NCHW → NHWC input reorder, on shapes that do not fit the kernels' vector widths
/// and blockings. Runs on whatever ISA the process uses; `ISAPathTests` re-runs it under every
/// `SLIDEMIL_CPU_ISA` the CPU supports.
final class DNNLInferenceLayerTests: XCTestCase {
    private struct PoolCase {
        let batch, channels, height, width, kernel, stride, padding: Int
    }

    private let poolCases: [PoolCase] = [
        // ResNet's stem pool (3×3, stride 2, padding 1) on odd and even maps, channels below,
        // at and between vector widths, batches 1, 2 and 3.
        PoolCase(batch: 1, channels: 64, height: 12, width: 12, kernel: 3, stride: 2, padding: 1),
        PoolCase(batch: 3, channels: 17, height: 13, width: 9, kernel: 3, stride: 2, padding: 1),
        PoolCase(batch: 2, channels: 5, height: 7, width: 8, kernel: 3, stride: 2, padding: 1),
        // A map smaller than the window: every window overlaps the padding.
        PoolCase(batch: 1, channels: 3, height: 2, width: 2, kernel: 3, stride: 2, padding: 1),
        // Stride 1 (overlapping windows), and 2×2 stride 2 without padding on an odd map (the
        // last row and column are dropped, as in PyTorch).
        PoolCase(batch: 2, channels: 33, height: 6, width: 5, kernel: 3, stride: 1, padding: 1),
        PoolCase(batch: 1, channels: 20, height: 7, width: 9, kernel: 2, stride: 2, padding: 0),
    ]

    func testMaxPoolingMatchesPlainLoops() {
        var generator = SeededGenerator(seed: 21)
        let context = DNNLExecutionContext()
        for (index, c) in poolCases.enumerated() {
            let pool = DNNLMaxPooling(kernel: c.kernel, stride: c.stride, padding: c.padding)
            let (oh, ow) = pool.outputSize(height: c.height, width: c.width)
            XCTAssertEqual(oh, (c.height + 2 * c.padding - c.kernel) / c.stride + 1, "case \(index)")
            // Inputs all below zero too, so that a zero-filled padding would win somewhere.
            for shift: Float in [0, -10] {
                let input = Tensor.normal([c.batch * c.height * c.width * c.channels], generator: &generator).storage
                    .map { $0 + shift }
                var output = [Float](repeating: .nan, count: c.batch * oh * ow * c.channels)
                input.withUnsafeBufferPointer { x in
                    output.withUnsafeMutableBufferPointer { y in
                        pool.run(x.baseAddress!, batch: c.batch, height: c.height, width: c.width, channels: c.channels,
                                 into: y.baseAddress!, context: context)
                    }
                }
                var expected = [Float](repeating: -.infinity, count: output.count)
                for n in 0..<c.batch { for oy in 0..<oh { for ox in 0..<ow { for k in 0..<c.channels {
                    let at = ((n * oh + oy) * ow + ox) * c.channels + k
                    for ky in 0..<c.kernel { for kx in 0..<c.kernel {
                        let iy = oy * c.stride - c.padding + ky, ix = ox * c.stride - c.padding + kx
                        guard iy >= 0, iy < c.height, ix >= 0, ix < c.width else { continue }
                        expected[at] = max(expected[at], input[((n * c.height + iy) * c.width + ix) * c.channels + k])
                    } }
                } } } }
                XCTAssertEqual(output, expected, "case \(index) (\(c)), inputs shifted by \(shift)")
            }
        }
    }

    func testChannelsLastReorderMatchesPlainLoops() {
        var generator = SeededGenerator(seed: 22)
        let context = DNNLExecutionContext()
        let reorder = DNNLChannelsLastReorder()
        // RGB at batch 1 and 3, channels past a vector width, a one-pixel image; the same
        // instance twice at one geometry (its kernel is reused).
        for (batch, channels, height, width) in [(1, 3, 9, 7), (3, 3, 5, 6), (2, 17, 4, 3), (1, 1, 1, 1), (1, 3, 9, 7)] {
            let input = Tensor.normal([batch * channels * height * width], generator: &generator).storage
            var output = [Float](repeating: .nan, count: input.count)
            input.withUnsafeBufferPointer { x in
                output.withUnsafeMutableBufferPointer { y in
                    reorder.run(x.baseAddress!, batch: batch, channels: channels, height: height, width: width,
                                into: y.baseAddress!, context: context)
                }
            }
            var expected = [Float](repeating: 0, count: input.count)
            for n in 0..<batch { for c in 0..<channels { for y in 0..<height { for x in 0..<width {
                expected[((n * height + y) * width + x) * channels + c] = input[((n * channels + c) * height + y) * width + x]
            } } } }
            XCTAssertEqual(output, expected, "batch \(batch), \(channels) channels, \(height)×\(width)")
        }
    }
}
