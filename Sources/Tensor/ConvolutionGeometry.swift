/// The sizes of a 2-D convolution or pooling window over an NCHW batch (square kernel, equal
/// stride and zero padding on both axes, dilation 1).
public struct ConvolutionGeometry: Equatable, Sendable {
    public let batch: Int
    public let channels: Int
    public let height: Int
    public let width: Int
    public let kernel: Int
    public let stride: Int
    public let padding: Int

    /// - Precondition: positive kernel and stride, non-negative padding, and an input (with padding)
    ///   at least one kernel wide.
    public init(batch: Int, channels: Int, height: Int, width: Int, kernel: Int, stride: Int, padding: Int) {
        precondition(kernel > 0 && stride > 0 && padding >= 0, "invalid window kernel \(kernel) stride \(stride) padding \(padding)")
        precondition(height + 2 * padding >= kernel && width + 2 * padding >= kernel,
                     "input \(height)x\(width) with padding \(padding) is smaller than kernel \(kernel)")
        self.batch = batch
        self.channels = channels
        self.height = height
        self.width = width
        self.kernel = kernel
        self.stride = stride
        self.padding = padding
    }

    /// Output rows: ⌊(H + 2p − k) / s⌋ + 1.
    public var outputHeight: Int { (height + 2 * padding - kernel) / stride + 1 }
    /// Output columns: ⌊(W + 2p − k) / s⌋ + 1.
    public var outputWidth: Int { (width + 2 * padding - kernel) / stride + 1 }
    /// Rows of the unfolded (im2col) matrix: C·k·k.
    public var patchSize: Int { channels * kernel * kernel }
    /// Output positions per image.
    public var outputPlane: Int { outputHeight * outputWidth }

    /// The output columns `start..<end` whose input column ox·stride − padding + `tap` lies inside
    /// the image (an empty range when none does); the rest read padding.
    public func validOutputColumns(tap: Int) -> (start: Int, end: Int) {
        let start = Swift.max(0, (padding - tap + stride - 1) / stride)
        let last = width - 1 + padding - tap
        let end = last < 0 ? 0 : Swift.min(outputWidth, last / stride + 1)
        return (Swift.min(start, end), end)
    }

    /// Kernel taps (ky·k + kx) that read at least one real input pixel for some output; the
    /// others only ever read padding. All k² taps for any ordinary image.
    public var liveTaps: [Int] {
        func live(_ tap: Int, size: Int, outputs: Int) -> Bool {
            (0..<outputs).contains { let i = $0 * stride - padding + tap; return i >= 0 && i < size }
        }
        let rows = (0..<kernel).filter { live($0, size: height, outputs: outputHeight) }
        let columns = (0..<kernel).filter { live($0, size: width, outputs: outputWidth) }
        return rows.flatMap { ky in columns.map { ky * kernel + $0 } }
    }
}
