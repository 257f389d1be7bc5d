import CDNNL
import Foundation

/// A 2-D convolution on channels-last (NHWC) float tensors, run by oneDNN's direct kernels, with
/// bias, an optional residual addition and an optional ReLU fused into its output:
/// `output = act(conv(input, W) + bias (+ residual))`.
///
/// Weights are given once as [k, k, Cin, Cout] (HWIO); for each input geometry (batch, height,
/// width, epilogue) the kernel is built and the weights repacked into its blocked layout on first
/// use, then reused. `run` may be called from several threads at once, each with its own
/// `DNNLExecutionContext`.
public final class DNNLConvolution: @unchecked Sendable {
    public let inputChannels: Int
    public let outputChannels: Int
    public let kernel: Int
    public let stride: Int
    public let padding: Int
    private let weights: [Float]
    private let bias: [Float]
    private var plans: [PlanKey: Plan] = [:]
    private let lock = NSLock()

    private struct PlanKey: Hashable {
        let batch, height, width: Int
        let residual, relu: Bool
    }

    /// A built kernel for one geometry, with its repacked weights.
    private final class Plan {
        let primitive: dnnl_primitive_t
        let weights: dnnl_memory_t
        let bias: dnnl_memory_t
        var source: dnnl_memory_desc_t
        var destination: dnnl_memory_desc_t
        let scratchpadBytes: Int
        /// Floats in one output.
        let outputCount: Int

        init(primitive: dnnl_primitive_t, weights: dnnl_memory_t, bias: dnnl_memory_t, source: dnnl_memory_desc_t,
             destination: dnnl_memory_desc_t, scratchpadBytes: Int, outputCount: Int) {
            self.outputCount = outputCount
            self.primitive = primitive
            self.weights = weights
            self.bias = bias
            self.source = source
            self.destination = destination
            self.scratchpadBytes = scratchpadBytes
        }

        deinit {
            dnnl_primitive_destroy(primitive)
            dnnl_memory_destroy(weights)
            dnnl_memory_destroy(bias)
        }
    }

    /// - Parameters:
    ///   - weights: k·k·Cin·Cout floats, [ky, kx, Cin, Cout].
    ///   - bias: Cout floats.
    public init(inputChannels: Int, outputChannels: Int, kernel: Int, stride: Int, padding: Int,
                weights: [Float], bias: [Float]) {
        precondition(weights.count == kernel * kernel * inputChannels * outputChannels && bias.count == outputChannels,
                     "DNNLConvolution: weights must be [k, k, Cin, Cout] and bias [Cout]")
        self.inputChannels = inputChannels
        self.outputChannels = outputChannels
        self.kernel = kernel
        self.stride = stride
        self.padding = padding
        self.weights = weights
        self.bias = bias
    }

    public func outputSize(height: Int, width: Int) -> (height: Int, width: Int) {
        ((height + 2 * padding - kernel) / stride + 1, (width + 2 * padding - kernel) / stride + 1)
    }

    /// output[N, OH, OW, Cout] = act(conv(input[N, H, W, Cin]) + bias (+ residual[N, OH, OW, Cout])).
    /// `output` must not overlap `input`. The residual is added by oneDNN's sum post-op, which
    /// accumulates onto what `output` holds: pass `residual == output` to add in place (no copy);
    /// any other residual is first copied into `output`. (The binary-add post-op would avoid that
    /// copy but gave wrong results in oneDNN 2.6's SSE4.1 1×1 kernels.)
    public func run(_ input: UnsafePointer<Float>, batch: Int, height: Int, width: Int,
                    into output: UnsafeMutablePointer<Float>, residual: UnsafePointer<Float>?, relu: Bool,
                    context: DNNLExecutionContext) {
        let plan = self.plan(PlanKey(batch: batch, height: height, width: width, residual: residual != nil, relu: relu))
        let engine = DNNL.engine
        var source: dnnl_memory_t?, destination: dnnl_memory_t?, scratchpad: dnnl_memory_t?
        DNNL.check(dnnl_memory_create(&source, &plan.source, engine, UnsafeMutableRawPointer(mutating: input)), "memory_create")
        DNNL.check(dnnl_memory_create(&destination, &plan.destination, engine, output), "memory_create")
        if let residual, residual != UnsafePointer(output) {
            output.update(from: residual, count: plan.outputCount)
        }
        var arguments = [
            dnnl_exec_arg_t(arg: DNNL_ARG_SRC, memory: source),
            dnnl_exec_arg_t(arg: DNNL_ARG_WEIGHTS, memory: plan.weights),
            dnnl_exec_arg_t(arg: DNNL_ARG_BIAS, memory: plan.bias),
            dnnl_exec_arg_t(arg: DNNL_ARG_DST, memory: destination),
        ]
        if plan.scratchpadBytes > 0 {
            let bytes = dims([plan.scratchpadBytes])
            var descriptor = dnnl_memory_desc_t()
            DNNL.check(dnnl_memory_desc_init_by_tag(&descriptor, 1, bytes, dnnl_u8, dnnl_a), "memory_desc_init")
            DNNL.check(dnnl_memory_create(&scratchpad, &descriptor, engine, context.scratchpad(bytes: plan.scratchpadBytes)),
                       "memory_create")
            arguments.append(dnnl_exec_arg_t(arg: DNNL_ARG_SCRATCHPAD, memory: scratchpad))
        }
        DNNL.check(dnnl_primitive_execute(plan.primitive, context.stream, Int32(arguments.count), &arguments), "convolution")
        DNNL.check(dnnl_stream_wait(context.stream), "stream_wait")
        for memory in [source, destination, scratchpad] { if let memory { dnnl_memory_destroy(memory) } }
    }

    /// Builds (once per geometry) the kernel for `key`.
    private func plan(_ key: PlanKey) -> Plan {
        lock.lock()
        defer { lock.unlock() }
        if let plan = plans[key] { return plan }
        let plan = makePlan(key)
        plans[key] = plan
        return plan
    }

    private func makePlan(_ key: PlanKey) -> Plan {
        let engine = DNNL.engine
        let (oh, ow) = outputSize(height: key.height, width: key.width)
        let sourceDims = dims([key.batch, inputChannels, key.height, key.width])
        let weightDims = dims([outputChannels, inputChannels, kernel, kernel])
        let biasDims = dims([outputChannels])
        let destinationDims = dims([key.batch, outputChannels, oh, ow])
        var source = dnnl_memory_desc_t(), weightsAny = dnnl_memory_desc_t(), biasDescriptor = dnnl_memory_desc_t()
        var destination = dnnl_memory_desc_t()
        DNNL.check(dnnl_memory_desc_init_by_tag(&source, 4, sourceDims, dnnl_f32, dnnl_nhwc), "memory_desc_init")
        DNNL.check(dnnl_memory_desc_init_by_tag(&weightsAny, 4, weightDims, dnnl_f32, dnnl_format_tag_any), "memory_desc_init")
        DNNL.check(dnnl_memory_desc_init_by_tag(&biasDescriptor, 1, biasDims, dnnl_f32, dnnl_a), "memory_desc_init")
        DNNL.check(dnnl_memory_desc_init_by_tag(&destination, 4, destinationDims, dnnl_f32, dnnl_nhwc), "memory_desc_init")
        let strides = dims([stride, stride]), paddings = dims([padding, padding])
        var descriptor = dnnl_convolution_desc_t()
        DNNL.check(dnnl_convolution_forward_desc_init(&descriptor, dnnl_forward_inference, dnnl_convolution_direct,
                                                      &source, &weightsAny, &biasDescriptor, &destination,
                                                      strides, paddings, paddings), "convolution_desc_init")
        var attributes: dnnl_primitive_attr_t?
        var postOps: dnnl_post_ops_t?
        DNNL.check(dnnl_primitive_attr_create(&attributes), "primitive_attr_create")
        DNNL.check(dnnl_primitive_attr_set_scratchpad_mode(attributes, dnnl_scratchpad_mode_user), "set_scratchpad_mode")
        DNNL.check(dnnl_post_ops_create(&postOps), "post_ops_create")
        if key.residual { DNNL.check(dnnl_post_ops_append_sum(postOps, 1), "append_sum") }
        if key.relu { DNNL.check(dnnl_post_ops_append_eltwise(postOps, 1, dnnl_eltwise_relu, 0, 0), "append_eltwise") }
        DNNL.check(dnnl_primitive_attr_set_post_ops(attributes, postOps), "set_post_ops")
        var primitiveDescriptor: dnnl_primitive_desc_t?
        DNNL.check(dnnl_primitive_desc_create(&primitiveDescriptor, &descriptor, attributes, engine, nil), "convolution primitive_desc_create")
        dnnl_post_ops_destroy(postOps)
        dnnl_primitive_attr_destroy(attributes)
        defer { dnnl_primitive_desc_destroy(primitiveDescriptor) }
        var primitive: dnnl_primitive_t?
        DNNL.check(dnnl_primitive_create(&primitive, primitiveDescriptor), "convolution primitive_create")
        let packedDescriptor = dnnl_primitive_desc_query_md(primitiveDescriptor, dnnl_query_weights_md, 0)!
        let scratchpadDescriptor = dnnl_primitive_desc_query_md(primitiveDescriptor, dnnl_query_scratchpad_md, 0)
        let scratchpadBytes = scratchpadDescriptor.map { dnnl_memory_desc_get_size($0) } ?? 0
        return Plan(primitive: primitive!, weights: packWeights(into: packedDescriptor), bias: biasMemory(biasDescriptor),
                    source: source, destination: destination, scratchpadBytes: scratchpadBytes,
                    outputCount: key.batch * oh * ow * outputChannels)
    }

    /// Reorders the HWIO weights into the layout the kernel chose.
    private func packWeights(into packed: UnsafePointer<dnnl_memory_desc_t>) -> dnnl_memory_t {
        let engine = DNNL.engine
        let weightDims = dims([outputChannels, inputChannels, kernel, kernel])
        var plain = dnnl_memory_desc_t()
        DNNL.check(dnnl_memory_desc_init_by_tag(&plain, 4, weightDims, dnnl_f32, dnnl_hwio), "memory_desc_init")
        var packedMemory: dnnl_memory_t?, plainMemory: dnnl_memory_t?
        DNNL.check(dnnl_memory_create(&packedMemory, packed, engine, slidemil_dnnl_memory_allocate()), "memory_create")
        weights.withUnsafeBufferPointer { buffer in
            DNNL.check(dnnl_memory_create(&plainMemory, &plain, engine, UnsafeMutableRawPointer(mutating: buffer.baseAddress!)),
                       "memory_create")
            var reorderDescriptor: dnnl_primitive_desc_t?, reorder: dnnl_primitive_t?, stream: dnnl_stream_t?
            DNNL.check(dnnl_reorder_primitive_desc_create(&reorderDescriptor, &plain, engine, packed, engine, nil), "reorder_desc")
            DNNL.check(dnnl_primitive_create(&reorder, reorderDescriptor), "reorder primitive_create")
            DNNL.check(dnnl_stream_create(&stream, engine, dnnl_stream_default_flags.rawValue), "stream_create")
            var arguments = [dnnl_exec_arg_t(arg: DNNL_ARG_FROM, memory: plainMemory),
                             dnnl_exec_arg_t(arg: DNNL_ARG_TO, memory: packedMemory)]
            DNNL.check(dnnl_primitive_execute(reorder, stream, 2, &arguments), "weight reorder")
            DNNL.check(dnnl_stream_wait(stream), "stream_wait")
            dnnl_stream_destroy(stream)
            dnnl_primitive_destroy(reorder)
            dnnl_primitive_desc_destroy(reorderDescriptor)
            dnnl_memory_destroy(plainMemory)
        }
        return packedMemory!
    }

    private func biasMemory(_ descriptor: dnnl_memory_desc_t) -> dnnl_memory_t {
        var descriptor = descriptor
        var memory: dnnl_memory_t?
        DNNL.check(dnnl_memory_create(&memory, &descriptor, DNNL.engine, slidemil_dnnl_memory_allocate()), "memory_create")
        var handle: UnsafeMutableRawPointer?
        DNNL.check(dnnl_memory_get_data_handle(memory, &handle), "get_data_handle")
        bias.withUnsafeBytes { handle!.copyMemory(from: $0.baseAddress!, byteCount: $0.count) }
        return memory!
    }

    /// A dimension list as oneDNN takes it (an int64 array; DNNL_MAX_NDIMS entries).
    private func dims(_ values: [Int]) -> [Int64] {
        values.map(Int64.init) + [Int64](repeating: 0, count: Int(DNNL_MAX_NDIMS) - values.count)
    }
}

/// What one thread needs to run oneDNN kernels: a stream and a scratchpad buffer that grows to
/// the largest kernel's need. Not thread-safe: one context per thread.
public final class DNNLExecutionContext {
    let stream: dnnl_stream_t
    private var buffer: UnsafeMutableRawPointer?
    private var capacity = 0

    public init() {
        var stream: dnnl_stream_t?
        DNNL.check(dnnl_stream_create(&stream, DNNL.engine, dnnl_stream_default_flags.rawValue), "stream_create")
        self.stream = stream!
    }

    func scratchpad(bytes: Int) -> UnsafeMutableRawPointer {
        if bytes > capacity {
            buffer?.deallocate()
            buffer = .allocate(byteCount: bytes, alignment: 64)
            capacity = bytes
        }
        return buffer!
    }

    deinit {
        buffer?.deallocate()
        dnnl_stream_destroy(stream)
    }
}
