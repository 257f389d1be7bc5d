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
    /// Output positions per image.
    public var outputPlane: Int { outputHeight * outputWidth }
}
