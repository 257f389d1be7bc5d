import NN
import Tensor

/// A convolution with its batch norm folded in, laid out for channels-last (NHWC) inference.
///
/// Folding: s = γ/√(σ² + ε), W′ = s·W, b′ = β − μ·s (+ s·conv bias). Weights are stored
/// [k, k, Cin, Cout] and handed to a oneDNN convolution (direct, or Winograd for stride-1 3×3 on
/// AVX-512; see `DNNLConvolutionAlgorithm`), which packs them once per input geometry and fuses
/// bias, residual and ReLU into its output (no patch matrix).
struct FoldedConvolution {
    let inputChannels: Int
    let outputChannels: Int
    let kernel: Int
    let stride: Int
    let padding: Int
    let weights: [Float]
    let bias: [Float]
    /// The oneDNN kernel, built per input geometry on first use with the weights packed for it.
    let kernelPlan: DNNLConvolution

    init(convolution conv: Conv2d, batchNorm bn: BatchNorm2d?) {
        inputChannels = conv.inputChannels
        outputChannels = conv.outputChannels
        kernel = conv.kernel
        stride = conv.stride
        padding = conv.padding
        var scale = [Float](repeating: 1, count: outputChannels)
        var shift = [Float](repeating: 0, count: outputChannels)
        if let bn {
            for o in 0..<outputChannels {
                scale[o] = bn.weight.value.storage[o] / (bn.runningVariance.value.storage[o] + bn.epsilon).squareRoot()
                shift[o] = bn.bias.value.storage[o] - bn.runningMean.value.storage[o] * scale[o]
            }
        }
        let k = kernel, cin = inputChannels, cout = outputChannels
        var folded = [Float](repeating: 0, count: k * k * cin * cout)
        let w = conv.weight.value.storage
        for o in 0..<cout {
            for c in 0..<cin {
                for ky in 0..<k {
                    for kx in 0..<k {
                        folded[((ky * k + kx) * cin + c) * cout + o] = w[((o * cin + c) * k + ky) * k + kx] * scale[o]
                    }
                }
            }
        }
        weights = folded
        bias = (0..<cout).map { shift[$0] + (conv.bias?.value.storage[$0] ?? 0) * scale[$0] }
        kernelPlan = DNNLConvolution(inputChannels: cin, outputChannels: cout, kernel: k, stride: stride, padding: padding,
                                     weights: weights, bias: bias)
    }

    var patchSize: Int { kernel * kernel * inputChannels }

    func outputSize(height: Int, width: Int) -> (height: Int, width: Int) {
        ((height + 2 * padding - kernel) / stride + 1, (width + 2 * padding - kernel) / stride + 1)
    }

    /// output[N, OH, OW, Cout] = act(conv(input) + b′ (+ residual)), all NHWC, on oneDNN's kernels.
    /// - Parameters:
    ///   - residual: NHWC tensor of the output's shape added before the activation, or nil.
    ///   - context: the calling thread's oneDNN stream and scratchpad.
    func apply(_ input: UnsafePointer<Float>, batch: Int, height: Int, width: Int,
               into output: UnsafeMutablePointer<Float>, residual: UnsafePointer<Float>?, relu: Bool,
               context: DNNLExecutionContext) {
        kernelPlan.run(input, batch: batch, height: height, width: width, into: output, residual: residual, relu: relu,
                       context: context)
    }
}
