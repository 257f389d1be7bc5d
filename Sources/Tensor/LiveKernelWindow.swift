/// The part of a convolution's kernel that ever reads an input pixel, as a smaller convolution.
///
/// Deep in networks for small images the maps shrink below the kernel: a 3×3 kernel with padding
/// 1 over a 1×1 map only ever uses its centre tap (the other eight read padding for every
/// output), and a 3×3 stride-2 kernel over a 2×2 map only its lower-right 2×2. The taps that read
/// input form one rectangle of rows × columns, so the convolution equals a convolution with that
/// rectangle as its kernel, less padding, and the same output size; its weights are the matching
/// sub-block of the full kernel, and the dropped taps get no gradient (they only ever saw zeros).
/// Running the smaller kernel saves their arithmetic (the 3×3 convolutions on 1×1 maps become
/// 1×1 convolutions).
public struct LiveKernelWindow: Equatable, Sendable {
    /// Kernel rows and columns kept, and the first of each in the full kernel.
    public let height, width, firstRow, firstColumn: Int
    /// Zero padding of the smaller convolution on each side (top, left, bottom, right).
    public let top, left, bottom, right: Int

    /// The live window of `g`; the whole kernel with its own padding when every tap reads input
    /// somewhere or the smaller convolution cannot keep the output size.
    public init(_ g: ConvolutionGeometry) {
        let rows = Self.liveRange(size: g.height, outputs: g.outputHeight, geometry: g)
        let columns = Self.liveRange(size: g.width, outputs: g.outputWidth, geometry: g)
        let reduced = rows.map { (height: $0.count, first: $0.first, before: g.padding - $0.first,
                                  after: Self.trailingPadding(size: g.height, outputs: g.outputHeight, kernel: $0.count,
                                                              leading: g.padding - $0.first, stride: g.stride)) }
        let reducedColumns = columns.map { (width: $0.count, first: $0.first, before: g.padding - $0.first,
                                            after: Self.trailingPadding(size: g.width, outputs: g.outputWidth, kernel: $0.count,
                                                                        leading: g.padding - $0.first, stride: g.stride)) }
        if let reduced, let reducedColumns, let bottom = reduced.after, let right = reducedColumns.after,
           reduced.height < g.kernel || reducedColumns.width < g.kernel {
            height = reduced.height
            width = reducedColumns.width
            firstRow = reduced.first
            firstColumn = reducedColumns.first
            top = reduced.before
            left = reducedColumns.before
            self.bottom = bottom
            self.right = right
        } else {
            height = g.kernel
            width = g.kernel
            firstRow = 0
            firstColumn = 0
            top = g.padding
            left = g.padding
            bottom = g.padding
            right = g.padding
        }
    }

    /// Taps t in `first..<first + count` for which some output reads an input pixel along an axis.
    private static func liveRange(size: Int, outputs: Int, geometry g: ConvolutionGeometry) -> (first: Int, count: Int)? {
        let live = (0..<g.kernel).filter { tap in
            (0..<outputs).contains { let i = $0 * g.stride - g.padding + tap; return i >= 0 && i < size }
        }
        guard let first = live.first, let last = live.last else { return nil }
        return (first, last - first + 1)
    }

    /// The smallest non-negative trailing padding that keeps `outputs` outputs, or nil if none does.
    private static func trailingPadding(size: Int, outputs: Int, kernel: Int, leading: Int, stride: Int) -> Int? {
        let padding = max(0, (outputs - 1) * stride + kernel - size - leading)
        return (size + leading + padding - kernel) / stride + 1 == outputs ? padding : nil
    }
}
