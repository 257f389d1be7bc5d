import Tensor

/// 2-D convolution over NCHW batches, as `torch.nn.Conv2d` with square kernel, equal stride and
/// zero padding on both axes, dilation 1 and groups 1.
///
/// Parameters: `weight` [Cout, Cin, k, k], optional `bias` [Cout].
/// Forward unfolds the whole batch into a [Cin·k·k, N·OH·OW] patch matrix (for 1×1 stride-1
/// unpadded kernels a channel-major copy of the input, no unfolding) and does one gemm, so small
/// images in large batches still make one large, BLAS-friendly product. Training mode caches the
/// patch matrix for `backward` (see `Conv2d+Backward.swift`). Kernel taps that read only padding
/// for every output (3×3 kernels over 1×1 maps deep in small-image networks) are dropped from
/// the product. Complexity: 2·N·OH·OW·Cout·Cin·k²
/// flops.
public final class Conv2d: Layer {
    public let inputChannels: Int
    public let outputChannels: Int
    public let kernel: Int
    public let stride: Int
    public let padding: Int
    /// [Cout, Cin, k, k].
    public let weight: Parameter
    /// [Cout], or `nil` for a bias-free convolution (the usual choice before batch norm).
    public let bias: Parameter?

    var cachedColumns: [Float] = []
    var cachedGeometry: ConvolutionGeometry?
    /// Kernel taps kept when some read only padding (nil: all taps), and the weight restricted
    /// to them, [Cout, Cin·taps].
    var cachedTaps: [Int]?
    var reducedWeight: [Float] = []
    private var outputScratch: [Float] = []

    /// A convolution with PyTorch's default initialisation (kaiming-uniform a = √5, bias uniform
    /// ±1/√fanIn) drawn from `generator`.
    public init(inputChannels: Int, outputChannels: Int, kernel: Int, stride: Int = 1, padding: Int = 0,
                bias: Bool = true, generator: inout SeededGenerator) {
        self.inputChannels = inputChannels
        self.outputChannels = outputChannels
        self.kernel = kernel
        self.stride = stride
        self.padding = padding
        let shape = [outputChannels, inputChannels, kernel, kernel]
        self.weight = Parameter(Initializers.defaultWeight(shape, generator: &generator))
        self.bias = bias
            ? Parameter(Initializers.defaultBias(count: outputChannels, fanIn: Initializers.fanIn(of: shape), generator: &generator))
            : nil
    }

    /// True when the convolution is a plain matrix product over channels.
    public var isPointwise: Bool { kernel == 1 && stride == 1 && padding == 0 }

    public var namedParameters: [(name: String, parameter: Parameter)] {
        [(name: "weight", parameter: weight)] + (bias.map { [(name: "bias", parameter: $0)] } ?? [])
    }

    /// The geometry this layer applies to an input of `shape` (NCHW).
    public func geometry(for shape: [Int]) -> ConvolutionGeometry {
        precondition(shape.count == 4 && shape[1] == inputChannels,
                     "Conv2d expects [N, \(inputChannels), H, W], got \(shape)")
        return ConvolutionGeometry(batch: shape[0], channels: inputChannels, height: shape[2], width: shape[3],
                                   kernel: kernel, stride: stride, padding: padding)
    }

    public func forward(_ input: Tensor, mode: Mode) -> Tensor {
        let g = geometry(for: input.shape)
        let live = g.liveTaps
        let taps: [Int]? = live.count == kernel * kernel ? nil : live
        let patchSize = inputChannels * (taps?.count ?? kernel * kernel)
        if let taps { restrictWeight(to: taps) }
        let columnsLength = patchSize * g.batch * g.outputPlane
        if cachedColumns.count != columnsLength { cachedColumns = [Float](repeating: 0, count: columnsLength) }
        input.withUnsafeBufferPointer { source in
            cachedColumns.withUnsafeMutableBufferPointer { columns in
                if isPointwise {
                    ChannelLayout.channelMajor(fromNCHW: source.baseAddress!, batch: g.batch, channels: g.channels,
                                               plane: g.height * g.width, into: columns.baseAddress!)
                } else {
                    Im2Col.unfold(source.baseAddress!, geometry: g, taps: taps, into: columns.baseAddress!)
                }
            }
        }
        let positions = g.batch * g.outputPlane
        if outputScratch.count != outputChannels * positions {
            outputScratch = [Float](repeating: 0, count: outputChannels * positions)
        }
        let weights = taps == nil ? weight.value.storage : reducedWeight
        weights.withUnsafeBufferPointer { w in
            cachedColumns.withUnsafeBufferPointer { columns in
                outputScratch.withUnsafeMutableBufferPointer { out in
                    BLAS.gemm(m: outputChannels, n: positions, k: patchSize,
                              a: w.baseAddress!, lda: patchSize, b: columns.baseAddress!, ldb: positions,
                              c: out.baseAddress!, ldc: positions)
                    if let bias {
                        for o in 0..<outputChannels {
                            let b = bias.value.storage[o]
                            let row = out.baseAddress! + o * positions
                            for i in 0..<positions { row[i] += b }
                        }
                    }
                }
            }
        }
        cachedTaps = taps
        var output = Tensor(shape: [g.batch, outputChannels, g.outputHeight, g.outputWidth])
        outputScratch.withUnsafeBufferPointer { source in
            output.withUnsafeMutableBufferPointer { destination in
                ChannelLayout.nchw(fromChannelMajor: source.baseAddress!, batch: g.batch, channels: outputChannels,
                                   plane: g.outputPlane, into: destination.baseAddress!)
            }
        }
        cachedGeometry = mode == .training ? g : nil
        if mode == .inference { cachedColumns = [] }
        return output
    }

    /// Copies the weight columns of `taps` into `reducedWeight` ([Cout, Cin·taps]).
    private func restrictWeight(to taps: [Int]) {
        let kk = kernel * kernel, reduced = inputChannels * taps.count
        if reducedWeight.count != outputChannels * reduced { reducedWeight = [Float](repeating: 0, count: outputChannels * reduced) }
        let w = weight.value.storage
        for o in 0..<outputChannels {
            for c in 0..<inputChannels {
                for (index, tap) in taps.enumerated() {
                    reducedWeight[o * reduced + c * taps.count + index] = w[(o * inputChannels + c) * kk + tap]
                }
            }
        }
    }
}
