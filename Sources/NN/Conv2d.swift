import Tensor

/// 2-D convolution over NCHW batches, as `torch.nn.Conv2d` with square kernel, equal stride and
/// zero padding on both axes, dilation 1 and groups 1.
///
/// Parameters: `weight` [Cout, Cin, k, k], optional `bias` [Cout].
/// Forward and backward run oneDNN's direct kernels on the layouts they choose (blocked
/// channels on AVX-512 and AVX2), reordering from and to NCHW around each call; one
/// `ConvolutionTrainingPlan` per input geometry is built on first use and kept. Kernel taps that
/// only read padding (3×3 kernels over 1×1 maps deep in small-image networks) are left out
/// (`LiveKernelWindow`). Training mode keeps the input for `backward` (see `Conv2d+Backward.swift`).
/// Complexity: 2·N·OH·OW·Cout·Cin·k² flops at most.
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

    /// The plan of the last training-mode forward, which `backward` uses.
    var trainingPlan: ConvolutionTrainingPlan?
    /// Plans by input geometry, most recently built last (a few at most).
    private var plans: [ConvolutionTrainingPlan] = []
    private static let keptPlans = 4

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
        let plan = self.plan(for: g)
        // oneDNN writes every element.
        var output = Tensor.uninitialized([g.batch, outputChannels, g.outputHeight, g.outputWidth])
        let training = mode == .training
        input.withUnsafeBufferPointer { x in
            weight.value.withUnsafeBufferPointer { w in
                output.withUnsafeMutableBufferPointer { y in
                    if let bias {
                        bias.value.withUnsafeBufferPointer { b in
                            plan.forward(input: x.baseAddress!, weight: w.baseAddress!, bias: b.baseAddress!,
                                         output: y.baseAddress!, keepInput: training)
                        }
                    } else {
                        plan.forward(input: x.baseAddress!, weight: w.baseAddress!, bias: nil, output: y.baseAddress!,
                                     keepInput: training)
                    }
                }
            }
        }
        trainingPlan = training ? plan : nil
        return output
    }

    /// The kernels for geometry `g`, built on first use.
    private func plan(for g: ConvolutionGeometry) -> ConvolutionTrainingPlan {
        if let plan = plans.last(where: { $0.geometry == g }) { return plan }
        let plan = ConvolutionTrainingPlan(geometry: g, outputChannels: outputChannels, hasBias: bias != nil)
        plans.append(plan)
        if plans.count > Self.keptPlans { plans.removeFirst() }
        return plan
    }
}
