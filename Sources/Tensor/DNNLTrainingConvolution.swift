import CDNNL
import Foundation

/// The training passes of a 2-D convolution on plain NCHW tensors with OIHW weights (the layouts
/// of `Tensor` and `Conv2d`), run by oneDNN: forward, gradient of the input, gradients of the
/// weights and bias. On plain layouts oneDNN unfolds one image at a time per thread (no unfold at
/// all for 1×1 stride-1 kernels) and splits the batch over its OpenMP threads, so the small
/// products of small images never hand work between threads inside one gemm.
///
/// Kernels are built per input geometry on first use. Not thread-safe: one caller at a time.
public final class DNNLTrainingConvolution {
    public let inputChannels: Int
    public let outputChannels: Int
    public let kernel: Int
    public let stride: Int
    public let padding: Int
    public let hasBias: Bool
    private let stream: dnnl_stream_t
    private var plans: [[Int]: Plan] = [:]

    private final class Plan {
        let forward, backwardData, backwardWeights: dnnl_primitive_t
        var source, weights, bias, destination: dnnl_memory_desc_t

        init(forward: dnnl_primitive_t, backwardData: dnnl_primitive_t, backwardWeights: dnnl_primitive_t,
             source: dnnl_memory_desc_t, weights: dnnl_memory_desc_t, bias: dnnl_memory_desc_t, destination: dnnl_memory_desc_t) {
            self.forward = forward
            self.backwardData = backwardData
            self.backwardWeights = backwardWeights
            self.source = source
            self.weights = weights
            self.bias = bias
            self.destination = destination
        }

        deinit {
            dnnl_primitive_destroy(forward)
            dnnl_primitive_destroy(backwardData)
            dnnl_primitive_destroy(backwardWeights)
        }
    }

    public init(inputChannels: Int, outputChannels: Int, kernel: Int, stride: Int, padding: Int, hasBias: Bool) {
        self.inputChannels = inputChannels
        self.outputChannels = outputChannels
        self.kernel = kernel
        self.stride = stride
        self.padding = padding
        self.hasBias = hasBias
        var stream: dnnl_stream_t?
        DNNL.check(dnnl_stream_create(&stream, DNNL.engine, dnnl_stream_default_flags.rawValue), "stream_create")
        self.stream = stream!
    }

    deinit { dnnl_stream_destroy(stream) }

    /// output[N, Cout, OH, OW] = conv(input[N, Cin, H, W], weights[Cout, Cin, k, k]) + bias.
    public func forward(_ input: UnsafePointer<Float>, batch: Int, height: Int, width: Int,
                        weights: UnsafePointer<Float>, bias: UnsafePointer<Float>?, into output: UnsafeMutablePointer<Float>) {
        let plan = self.plan(batch: batch, height: height, width: width)
        var arguments: [(Int32, dnnl_memory_desc_t, UnsafeRawPointer)] = [
            (DNNL_ARG_SRC, plan.source, UnsafeRawPointer(input)), (DNNL_ARG_WEIGHTS, plan.weights, UnsafeRawPointer(weights)),
            (DNNL_ARG_DST, plan.destination, UnsafeRawPointer(output)),
        ]
        if let bias { arguments.append((DNNL_ARG_BIAS, plan.bias, UnsafeRawPointer(bias))) }
        execute(plan.forward, arguments)
    }

    /// inputGradient[N, Cin, H, W] = the input gradient of `forward` for outputGradient.
    public func backwardData(_ outputGradient: UnsafePointer<Float>, batch: Int, height: Int, width: Int,
                             weights: UnsafePointer<Float>, into inputGradient: UnsafeMutablePointer<Float>) {
        let plan = self.plan(batch: batch, height: height, width: width)
        execute(plan.backwardData, [
            (DNNL_ARG_DIFF_DST, plan.destination, UnsafeRawPointer(outputGradient)),
            (DNNL_ARG_WEIGHTS, plan.weights, UnsafeRawPointer(weights)),
            (DNNL_ARG_DIFF_SRC, plan.source, UnsafeRawPointer(inputGradient)),
        ])
    }

    /// Overwrites weightGradient [Cout, Cin, k, k] (and biasGradient [Cout] when the convolution
    /// has a bias) with the gradients of `forward` for input and outputGradient.
    public func backwardWeights(_ input: UnsafePointer<Float>, outputGradient: UnsafePointer<Float>, batch: Int, height: Int,
                                width: Int, weightGradient: UnsafeMutablePointer<Float>, biasGradient: UnsafeMutablePointer<Float>?) {
        let plan = self.plan(batch: batch, height: height, width: width)
        var arguments: [(Int32, dnnl_memory_desc_t, UnsafeRawPointer)] = [
            (DNNL_ARG_SRC, plan.source, UnsafeRawPointer(input)),
            (DNNL_ARG_DIFF_DST, plan.destination, UnsafeRawPointer(outputGradient)),
            (DNNL_ARG_DIFF_WEIGHTS, plan.weights, UnsafeRawPointer(weightGradient)),
        ]
        if let biasGradient { arguments.append((DNNL_ARG_DIFF_BIAS, plan.bias, UnsafeRawPointer(biasGradient))) }
        execute(plan.backwardWeights, arguments)
    }

    private func execute(_ primitive: dnnl_primitive_t, _ buffers: [(Int32, dnnl_memory_desc_t, UnsafeRawPointer)]) {
        var arguments: [dnnl_exec_arg_t] = []
        for (argument, descriptor, pointer) in buffers {
            var descriptor = descriptor
            var memory: dnnl_memory_t?
            DNNL.check(dnnl_memory_create(&memory, &descriptor, DNNL.engine, UnsafeMutableRawPointer(mutating: pointer)), "memory_create")
            arguments.append(dnnl_exec_arg_t(arg: argument, memory: memory))
        }
        DNNL.check(dnnl_primitive_execute(primitive, stream, Int32(arguments.count), &arguments), "training convolution")
        DNNL.check(dnnl_stream_wait(stream), "stream_wait")
        for argument in arguments { dnnl_memory_destroy(argument.memory) }
    }

    private func plan(batch: Int, height: Int, width: Int) -> Plan {
        if let plan = plans[[batch, height, width]] { return plan }
        let engine = DNNL.engine
        let oh = (height + 2 * padding - kernel) / stride + 1, ow = (width + 2 * padding - kernel) / stride + 1
        func descriptor(_ dims: [Int], _ tag: dnnl_format_tag_t) -> dnnl_memory_desc_t {
            var result = dnnl_memory_desc_t()
            let padded = dims.map(Int64.init) + [Int64](repeating: 0, count: Int(DNNL_MAX_NDIMS) - dims.count)
            DNNL.check(dnnl_memory_desc_init_by_tag(&result, Int32(dims.count), padded, dnnl_f32, tag), "memory_desc_init")
            return result
        }
        var source = descriptor([batch, inputChannels, height, width], dnnl_nchw)
        var weights = descriptor([outputChannels, inputChannels, kernel, kernel], dnnl_oihw)
        var bias = descriptor([outputChannels], dnnl_a)
        var destination = descriptor([batch, outputChannels, oh, ow], dnnl_nchw)
        let strides = [Int64(stride), Int64(stride)] + [Int64](repeating: 0, count: Int(DNNL_MAX_NDIMS) - 2)
        let paddings = [Int64(padding), Int64(padding)] + [Int64](repeating: 0, count: Int(DNNL_MAX_NDIMS) - 2)
        func create(_ descriptor: inout dnnl_convolution_desc_t, hint: dnnl_primitive_desc_t?) -> (dnnl_primitive_t, dnnl_primitive_desc_t) {
            var primitiveDescriptor: dnnl_primitive_desc_t?, primitive: dnnl_primitive_t?
            DNNL.check(dnnl_primitive_desc_create(&primitiveDescriptor, &descriptor, nil, engine, hint), "training primitive_desc_create")
            DNNL.check(dnnl_primitive_create(&primitive, primitiveDescriptor), "training primitive_create")
            return (primitive!, primitiveDescriptor!)
        }
        var forwardDescriptor = dnnl_convolution_desc_t()
        DNNL.check(hasBias
                   ? dnnl_convolution_forward_desc_init(&forwardDescriptor, dnnl_forward_training, dnnl_convolution_direct, &source,
                                                        &weights, &bias, &destination, strides, paddings, paddings)
                   : dnnl_convolution_forward_desc_init(&forwardDescriptor, dnnl_forward_training, dnnl_convolution_direct, &source,
                                                        &weights, nil, &destination, strides, paddings, paddings),
                   "forward_desc_init")
        let (forward, forwardHint) = create(&forwardDescriptor, hint: nil)
        defer { dnnl_primitive_desc_destroy(forwardHint) }
        var dataDescriptor = dnnl_convolution_desc_t()
        DNNL.check(dnnl_convolution_backward_data_desc_init(&dataDescriptor, dnnl_convolution_direct, &source, &weights,
                                                            &destination, strides, paddings, paddings), "backward_data_desc_init")
        let (backwardData, dataPD) = create(&dataDescriptor, hint: forwardHint)
        dnnl_primitive_desc_destroy(dataPD)
        var weightsDescriptor = dnnl_convolution_desc_t()
        DNNL.check(hasBias
                   ? dnnl_convolution_backward_weights_desc_init(&weightsDescriptor, dnnl_convolution_direct, &source, &weights,
                                                                 &bias, &destination, strides, paddings, paddings)
                   : dnnl_convolution_backward_weights_desc_init(&weightsDescriptor, dnnl_convolution_direct, &source, &weights,
                                                                 nil, &destination, strides, paddings, paddings),
                   "backward_weights_desc_init")
        let (backwardWeights, weightsPD) = create(&weightsDescriptor, hint: forwardHint)
        dnnl_primitive_desc_destroy(weightsPD)
        let plan = Plan(forward: forward, backwardData: backwardData, backwardWeights: backwardWeights,
                        source: source, weights: weights, bias: bias, destination: destination)
        plans[[batch, height, width]] = plan
        return plan
    }
}
