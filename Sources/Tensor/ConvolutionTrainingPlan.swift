import CDNNL

/// oneDNN's forward, backward-data and backward-weights kernels for one convolution (`Conv2d`) at one input
/// geometry, with the layout changes around them.
///
/// Every operand's layout is left to oneDNN (`format_tag_any`), so on AVX-512 and AVX2 it picks
/// its direct JIT kernels on blocked activations (nChw16c / nChw8c) and blocked weights, which is
/// also what PyTorch's CPU training runs. The caller's tensors stay NCHW and OIHW: each call
/// reorders its inputs into the kernels' layouts and its results back (see `DNNLOperand`), and
/// the forward input is kept in the backward-weights kernel's layout for `backward`. Gradients are
/// added to the caller's buffers, as `Layer.backward` requires. Kernel taps that only ever read
/// padding are left out (`LiveKernelWindow`): the kernels see the live sub-block of the weights,
/// read in place through a strided descriptor. The kernels run on `ParallelFor.workerCount`
/// OpenMP threads (the cores the process may use), convolutions of less than `parallelWork`
/// multiply-accumulates on the calling thread alone. Not thread-safe.
public final class ConvolutionTrainingPlan {
    /// The input geometry the kernels were built for.
    public let geometry: ConvolutionGeometry
    /// Below this many multiply-accumulates an OpenMP fork and join costs more than it saves (and
    /// spinning OpenMP threads slow down the many tiny convolutions of gradient checks).
    public static let parallelWork = 1 << 20
    private let singleThreaded: Bool
    /// The OpenMP team size the kernels were built (and are run) for: 1 below `parallelWork`,
    /// else `ParallelFor.workerCount`, whatever the calling thread's setting.
    public let threads: Int
    /// Offset of the live window's first tap in each [k, k] filter.
    private let tapOffset: Int
    private let forwardPrimitive: dnnl_primitive_t
    private let backwardDataPrimitive: dnnl_primitive_t
    private let backwardWeightsPrimitive: dnnl_primitive_t
    private let stream: dnnl_stream_t

    private let source: DNNLOperand
    private let weights: DNNLOperand
    private let bias: DNNLOperand?
    private let destination: DNNLOperand
    /// The forward input as backward-weights reads it, kept between `forward` and `backward`
    /// (nil when it is the forward kernel's own copy, `source.memory`).
    private let keptSource: DNNLOperand?
    private let outputGradient: DNNLOperand
    /// The output gradient for backward-weights when it wants another layout than backward-data.
    private let outputGradientForWeights: DNNLOperand?
    private let backwardWeights: DNNLOperand
    private let inputGradient: DNNLOperand
    private let weightGradient: DNNLOperand
    private let biasGradient: DNNLOperand?

    /// Builds the kernels for `geometry` with `outputChannels` filters and an optional bias.
    public init(geometry g: ConvolutionGeometry, outputChannels: Int, hasBias: Bool) {
        geometry = g
        let window = LiveKernelWindow(g)
        tapOffset = window.firstRow * g.kernel + window.firstColumn
        singleThreaded = g.batch * g.outputPlane * outputChannels * g.channels * window.height * window.width < Self.parallelWork
        // oneDNN splits a kernel's work for the OpenMP team size in effect when the primitive is
        // created, not when it runs: built while the calling thread's setting was 1 (left so by
        // a batch-split inference on the same thread), every training convolution then ran on
        // one core though executed with a team of two.
        let callersThreads = DNNL.threadsForCallingThread
        DNNL.threadsForCallingThread = singleThreaded ? 1 : ParallelFor.workerCount
        defer { DNNL.threadsForCallingThread = callersThreads }
        threads = DNNL.threadsForCallingThread
        let engine = DNNL.engine
        let sourceDims = Self.dims([g.batch, g.channels, g.height, g.width])
        let weightDims = Self.dims([outputChannels, g.channels, window.height, window.width])
        let destinationDims = Self.dims([g.batch, outputChannels, g.outputHeight, g.outputWidth])
        let biasDims = Self.dims([outputChannels])
        func descriptor(_ dims: [Int64], rank: Int32, _ tag: dnnl_format_tag_t) -> dnnl_memory_desc_t {
            var result = dnnl_memory_desc_t()
            DNNL.check(dnnl_memory_desc_init_by_tag(&result, rank, dims, dnnl_f32, tag), "memory_desc_init")
            return result
        }
        let plainSource = descriptor(sourceDims, rank: 4, dnnl_nchw)
        // The live window inside the full OIHW weights: strides of the full kernel.
        var plainWeights = dnnl_memory_desc_t()
        DNNL.check(dnnl_memory_desc_init_by_strides(&plainWeights, 4, weightDims, dnnl_f32,
                                                    Self.dims([g.channels * g.kernel * g.kernel, g.kernel * g.kernel, g.kernel, 1])),
                   "memory_desc_init_by_strides")
        let plainDestination = descriptor(destinationDims, rank: 4, dnnl_nchw)
        let plainBias = descriptor(biasDims, rank: 1, dnnl_a)
        var anySource = descriptor(sourceDims, rank: 4, dnnl_format_tag_any)
        var anyWeights = descriptor(weightDims, rank: 4, dnnl_format_tag_any)
        var anyDestination = descriptor(destinationDims, rank: 4, dnnl_format_tag_any)
        // A zero descriptor means "no bias" to oneDNN.
        var anyBias = hasBias ? descriptor(biasDims, rank: 1, dnnl_format_tag_any) : dnnl_memory_desc_t()
        let strides = Self.dims([g.stride, g.stride])
        let paddings = Self.dims([window.top, window.left]), trailing = Self.dims([window.bottom, window.right])

        var forwardDescriptor = dnnl_convolution_desc_t()
        DNNL.check(dnnl_convolution_forward_desc_init(&forwardDescriptor, dnnl_forward_training, dnnl_convolution_direct,
                                                      &anySource, &anyWeights, &anyBias, &anyDestination,
                                                      strides, paddings, trailing), "convolution_forward_desc_init")
        var backwardDataDescriptor = dnnl_convolution_desc_t()
        DNNL.check(dnnl_convolution_backward_data_desc_init(&backwardDataDescriptor, dnnl_convolution_direct,
                                                            &anySource, &anyWeights, &anyDestination,
                                                            strides, paddings, trailing), "convolution_backward_data_desc_init")
        var backwardWeightsDescriptor = dnnl_convolution_desc_t()
        DNNL.check(dnnl_convolution_backward_weights_desc_init(&backwardWeightsDescriptor, dnnl_convolution_direct,
                                                               &anySource, &anyWeights, &anyBias, &anyDestination,
                                                               strides, paddings, trailing), "convolution_backward_weights_desc_init")
        var forwardPD: dnnl_primitive_desc_t?, backwardDataPD: dnnl_primitive_desc_t?, backwardWeightsPD: dnnl_primitive_desc_t?
        DNNL.check(dnnl_primitive_desc_create(&forwardPD, &forwardDescriptor, nil, engine, nil), "convolution forward primitive_desc")
        DNNL.check(dnnl_primitive_desc_create(&backwardDataPD, &backwardDataDescriptor, nil, engine, forwardPD),
                   "convolution backward-data primitive_desc")
        DNNL.check(dnnl_primitive_desc_create(&backwardWeightsPD, &backwardWeightsDescriptor, nil, engine, forwardPD),
                   "convolution backward-weights primitive_desc")
        defer {
            dnnl_primitive_desc_destroy(forwardPD)
            dnnl_primitive_desc_destroy(backwardDataPD)
            dnnl_primitive_desc_destroy(backwardWeightsPD)
        }
        func query(_ pd: dnnl_primitive_desc_t?, _ what: dnnl_query_t, index: Int32 = 0) -> dnnl_memory_desc_t {
            dnnl_primitive_desc_query_md(pd, what, index)!.pointee
        }
        func primitive(_ pd: dnnl_primitive_desc_t?, _ name: String) -> dnnl_primitive_t {
            var result: dnnl_primitive_t?
            DNNL.check(dnnl_primitive_create(&result, pd), "\(name) primitive_create")
            return result!
        }
        forwardPrimitive = primitive(forwardPD, "convolution forward")
        backwardDataPrimitive = primitive(backwardDataPD, "convolution backward-data")
        backwardWeightsPrimitive = primitive(backwardWeightsPD, "convolution backward-weights")

        source = DNNLOperand(plain: plainSource, kernel: query(forwardPD, dnnl_query_src_md), direction: .toKernel)
        weights = DNNLOperand(plain: plainWeights, kernel: query(forwardPD, dnnl_query_weights_md), direction: .toKernel)
        bias = hasBias ? DNNLOperand(plain: plainBias, kernel: query(forwardPD, dnnl_query_weights_md, index: 1), direction: .toKernel) : nil
        destination = DNNLOperand(plain: plainDestination, kernel: query(forwardPD, dnnl_query_dst_md), direction: .fromKernel)

        var forwardSource = query(forwardPD, dnnl_query_src_md), weightsSource = query(backwardWeightsPD, dnnl_query_src_md)
        keptSource = source.isCallersBuffer || dnnl_memory_desc_equal(&forwardSource, &weightsSource) == 0
            ? DNNLOperand(plain: plainSource, kernel: weightsSource, direction: .toKernel, alwaysOwned: true)
            : nil
        var dataGradient = query(backwardDataPD, dnnl_query_diff_dst_md)
        var weightsGradient = query(backwardWeightsPD, dnnl_query_diff_dst_md)
        outputGradient = DNNLOperand(plain: plainDestination, kernel: dataGradient, direction: .toKernel)
        outputGradientForWeights = dnnl_memory_desc_equal(&dataGradient, &weightsGradient) == 0
            ? DNNLOperand(plain: plainDestination, kernel: weightsGradient, direction: .toKernel)
            : nil
        backwardWeights = DNNLOperand(plain: plainWeights, kernel: query(backwardDataPD, dnnl_query_weights_md), direction: .toKernel)
        inputGradient = DNNLOperand(plain: plainSource, kernel: query(backwardDataPD, dnnl_query_diff_src_md), direction: .fromKernel)
        weightGradient = DNNLOperand(plain: plainWeights, kernel: query(backwardWeightsPD, dnnl_query_diff_weights_md),
                                     direction: .accumulateFromKernel)
        biasGradient = hasBias
            ? DNNLOperand(plain: plainBias, kernel: query(backwardWeightsPD, dnnl_query_diff_weights_md, index: 1), direction: .accumulateFromKernel)
            : nil
        var stream: dnnl_stream_t?
        DNNL.check(dnnl_stream_create(&stream, engine, dnnl_stream_default_flags.rawValue), "stream_create")
        self.stream = stream!
    }

    /// output[N, Cout, OH, OW] = conv(input[N, Cin, H, W], weight[Cout, Cin, k, k]) + bias.
    /// With `keepInput`, the input is kept (in the backward kernel's layout) for `backward`.
    public func forward(input: UnsafePointer<Float>, weight: UnsafePointer<Float>, bias biasValues: UnsafePointer<Float>?,
                 output: UnsafeMutablePointer<Float>, keepInput: Bool) {
        let callersThreads = DNNL.threadsForCallingThread
        DNNL.threadsForCallingThread = threads
        defer { DNNL.threadsForCallingThread = callersThreads }
        source.bind(input)
        source.transfer(on: stream)
        weights.bind(weight + tapOffset)
        weights.transfer(on: stream)
        var arguments = [dnnl_exec_arg_t(arg: DNNL_ARG_SRC, memory: source.memory),
                         dnnl_exec_arg_t(arg: DNNL_ARG_WEIGHTS, memory: weights.memory),
                         dnnl_exec_arg_t(arg: DNNL_ARG_DST, memory: destination.memory)]
        if let bias, let biasValues {
            bias.bind(biasValues)
            bias.transfer(on: stream)
            arguments.append(dnnl_exec_arg_t(arg: DNNL_ARG_BIAS, memory: bias.memory))
        }
        destination.bind(output)
        DNNL.check(dnnl_primitive_execute(forwardPrimitive, stream, Int32(arguments.count), &arguments), "convolution forward")
        destination.transfer(on: stream)
        if keepInput, let keptSource {
            keptSource.bind(input)
            keptSource.transfer(on: stream)
        }
        DNNL.check(dnnl_stream_wait(stream), "stream_wait")
    }

    /// Adds dLoss/dWeight (and dLoss/dBias) of the last kept forward to `weightGradient`
    /// (`biasGradient`) and, when `inputGradient` is given, writes dLoss/dInput there.
    public func backward(outputGradient gradient: UnsafePointer<Float>, weight: UnsafePointer<Float>,
                  weightGradient weightSums: UnsafeMutablePointer<Float>, biasGradient biasSums: UnsafeMutablePointer<Float>?,
                  inputGradient inputResult: UnsafeMutablePointer<Float>?) {
        let callersThreads = DNNL.threadsForCallingThread
        DNNL.threadsForCallingThread = threads
        defer { DNNL.threadsForCallingThread = callersThreads }
        outputGradient.bind(gradient)
        outputGradient.transfer(on: stream)
        let weightsGradientSource = outputGradientForWeights ?? outputGradient
        if let outputGradientForWeights {
            outputGradientForWeights.bind(gradient)
            outputGradientForWeights.transfer(on: stream)
        }
        var arguments = [dnnl_exec_arg_t(arg: DNNL_ARG_SRC, memory: (keptSource ?? source).memory),
                         dnnl_exec_arg_t(arg: DNNL_ARG_DIFF_DST, memory: weightsGradientSource.memory),
                         dnnl_exec_arg_t(arg: DNNL_ARG_DIFF_WEIGHTS, memory: weightGradient.memory)]
        if let biasGradient { arguments.append(dnnl_exec_arg_t(arg: DNNL_ARG_DIFF_BIAS, memory: biasGradient.memory)) }
        DNNL.check(dnnl_primitive_execute(backwardWeightsPrimitive, stream, Int32(arguments.count), &arguments),
                   "convolution backward-weights")
        weightGradient.bind(weightSums + tapOffset)
        weightGradient.transfer(on: stream)
        if let biasGradient, let biasSums {
            biasGradient.bind(biasSums)
            biasGradient.transfer(on: stream)
        }
        if let inputResult {
            backwardWeights.bind(weight + tapOffset)
            backwardWeights.transfer(on: stream)
            inputGradient.bind(inputResult)
            var dataArguments = [dnnl_exec_arg_t(arg: DNNL_ARG_DIFF_DST, memory: outputGradient.memory),
                                 dnnl_exec_arg_t(arg: DNNL_ARG_WEIGHTS, memory: backwardWeights.memory),
                                 dnnl_exec_arg_t(arg: DNNL_ARG_DIFF_SRC, memory: inputGradient.memory)]
            DNNL.check(dnnl_primitive_execute(backwardDataPrimitive, stream, Int32(dataArguments.count), &dataArguments),
                       "convolution backward-data")
            inputGradient.transfer(on: stream)
        }
        DNNL.check(dnnl_stream_wait(stream), "stream_wait")
    }

    deinit {
        dnnl_primitive_destroy(forwardPrimitive)
        dnnl_primitive_destroy(backwardDataPrimitive)
        dnnl_primitive_destroy(backwardWeightsPrimitive)
        dnnl_stream_destroy(stream)
    }

    /// A dimension list as oneDNN takes it (an int64 array of DNNL_MAX_NDIMS entries).
    private static func dims(_ values: [Int]) -> [Int64] {
        values.map(Int64.init) + [Int64](repeating: 0, count: Int(DNNL_MAX_NDIMS) - values.count)
    }
}
