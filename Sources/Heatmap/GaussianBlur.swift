import Foundation

/// A separable Gaussian blur of `Float` rasters: one horizontal and one vertical 1-D pass.
///
/// The kernel reaches `ceil(3σ)` pixels each side and sums to 1; outside the raster counts as 0,
/// so mass is conserved except what spreads past the border.
public struct GaussianBlur: Sendable {
    /// Standard deviation in raster pixels (> 0).
    public let sigma: Double
    /// The normalised 1-D kernel, `2·radius + 1` taps, symmetric.
    public let kernel: [Float]

    /// A blur of standard deviation `sigma` raster pixels.
    /// - Precondition: `sigma > 0` and finite.
    public init(sigma: Double) {
        precondition(sigma > 0 && sigma.isFinite, "blur sigma must be positive")
        self.sigma = sigma
        let radius = max(1, Int((3 * sigma).rounded(.up)))
        let raw = (-radius...radius).map { exp(-Double($0 * $0) / (2 * sigma * sigma)) }
        let total = raw.reduce(0, +)
        kernel = raw.map { Float($0 / total) }
    }

    /// Kernel half-width in pixels.
    public var radius: Int { kernel.count / 2 }

    /// `values` (row-major, `width` x `height`) blurred. O(pixels × kernel taps).
    /// - Precondition: `values.count == width * height`.
    public func apply(_ values: [Float], width: Int, height: Int) -> [Float] {
        precondition(values.count == width * height, "\(values.count) values for a \(width) x \(height) raster")
        let horizontal = pass(values, width: width, height: height, step: 1, length: width, lines: height, lineStride: width)
        return pass(horizontal, width: width, height: height, step: width, length: height, lines: width, lineStride: 1)
    }

    /// One 1-D convolution along lines of `length` samples `step` apart, lines `lineStride` apart.
    private func pass(_ input: [Float], width: Int, height: Int, step: Int, length: Int, lines: Int, lineStride: Int) -> [Float] {
        var output = [Float](repeating: 0, count: input.count)
        let radius = self.radius
        input.withUnsafeBufferPointer { source in
            output.withUnsafeMutableBufferPointer { target in
                for line in 0..<lines {
                    let base = line * lineStride
                    for position in 0..<length {
                        var total: Float = 0
                        let low = max(0, position - radius), high = min(length - 1, position + radius)
                        if low <= high {
                            for tap in low...high {
                                total += kernel[tap - position + radius] * source[base + tap * step]
                            }
                        }
                        target[base + position * step] = total
                    }
                }
            }
        }
        return output
    }
}
