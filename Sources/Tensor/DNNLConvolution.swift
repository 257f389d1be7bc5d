import CDNNL
import Foundation

/// A 2-D convolution on channels-last (NHWC) float tensors, run by oneDNN, with bias, an optional
/// residual addition and an optional ReLU fused into its output:
/// `output = act(conv(input, W) + bias (+ residual))`.
///
/// Weights are given once as [k, k, Cin, Cout] (HWIO); for each input geometry (batch, height,
/// width, epilogue, threads) the kernel is built and the weights repacked into its layout on first
/// use, then reused. Stride-1 3×3 convolutions may run on oneDNN's Winograd kernels (see
/// `DNNLConvolutionAlgorithm`), which work on a blocked channel layout: their input (and residual)
/// is reordered into it and the result back into NHWC. `run` may be called from several threads
/// at once, each with its own `DNNLExecutionContext`.
public final class DNNLConvolution: @unchecked Sendable {
    public let inputChannels: Int
    public let outputChannels: Int
    public let kernel: Int
    public let stride: Int
    public let padding: Int
    /// The algorithm asked for; `algorithm(...)` tells what a geometry really runs.
    public let algorithm: DNNLConvolutionAlgorithm
    private let weights: [Float]
    private let bias: [Float]
    private var plans: [PlanKey: Plan] = [:]
    private let lock = NSLock()

    private struct PlanKey: Hashable {
        let batch, height, width: Int
        let residual, relu: Bool
        /// OpenMP threads of the calling thread: oneDNN sizes its work split when the kernel is built.
        let threads: Int
    }

    /// A built kernel for one geometry, with its repacked weights.
    private final class Plan {
        let primitive: dnnl_primitive_t
        /// The weights packed into the kernel's layout, and the bias.
        let weights: PackedTensor, bias: PackedTensor
        /// The layouts the kernel reads and writes (NHWC unless `blocked`).
        let source, destination: dnnl_memory_desc_t
        let scratchpadBytes: Int
        /// Floats in one output.
        let outputCount: Int
        /// oneDNN's name of the kernel, e.g. "brgconv:avx512_core" or "jit_wino_4x3:avx512_core".
        let implementation: String
        /// For a kernel on a blocked layout: the reorders from NHWC input and residual into it, and
        /// of its result back to NHWC.
        let blocked: BlockedLayout?

        init(primitive: dnnl_primitive_t, weights: PackedTensor, bias: PackedTensor, source: dnnl_memory_desc_t,
             destination: dnnl_memory_desc_t, scratchpadBytes: Int, outputCount: Int, implementation: String,
             blocked: BlockedLayout?) {
            self.primitive = primitive
            self.weights = weights
            self.bias = bias
            self.source = source
            self.destination = destination
            self.scratchpadBytes = scratchpadBytes
            self.outputCount = outputCount
            self.implementation = implementation
            self.blocked = blocked
        }

        deinit { dnnl_primitive_destroy(primitive) }
    }

    /// The reorders around a kernel that reads and writes a blocked layout, and that layout's sizes.
    private struct BlockedLayout {
        let source, residual, result: DNNLReorder
        let sourceBytes, destinationBytes: Int
    }

    /// A tensor in a layout oneDNN chose, in memory owned here.
    private final class PackedTensor {
        let descriptor: dnnl_memory_desc_t
        let data: UnsafeMutableRawPointer

        init(_ descriptor: dnnl_memory_desc_t) {
            var descriptor = descriptor
            self.descriptor = descriptor
            data = .allocate(byteCount: max(64, dnnl_memory_desc_get_size(&descriptor)), alignment: 64)
        }

        deinit { data.deallocate() }
    }

    /// - Parameters:
    ///   - weights: k·k·Cin·Cout floats, [ky, kx, Cin, Cout].
    ///   - bias: Cout floats.
    ///   - algorithm: direct, Winograd where implemented, or the measured rule (default: the
    ///     process's `SLIDEMIL_CONV_ALGORITHM`).
    public init(inputChannels: Int, outputChannels: Int, kernel: Int, stride: Int, padding: Int,
                weights: [Float], bias: [Float], algorithm: DNNLConvolutionAlgorithm = DNNL.convolutionAlgorithm) {
        precondition(weights.count == kernel * kernel * inputChannels * outputChannels && bias.count == outputChannels,
                     "DNNLConvolution: weights must be [k, k, Cin, Cout] and bias [Cout]")
        self.inputChannels = inputChannels
        self.outputChannels = outputChannels
        self.kernel = kernel
        self.stride = stride
        self.padding = padding
        self.weights = weights
        self.bias = bias
        self.algorithm = algorithm
    }

    public func outputSize(height: Int, width: Int) -> (height: Int, width: Int) {
        ((height + 2 * padding - kernel) / stride + 1, (width + 2 * padding - kernel) / stride + 1)
    }

    /// output[N, OH, OW, Cout] = act(conv(input[N, H, W, Cin]) + bias (+ residual[N, OH, OW, Cout])).
    /// `output` must not overlap `input`. The residual is added by oneDNN's sum post-op, which
    /// accumulates onto what the kernel's output holds: pass `residual == output` to add in place
    /// (no copy on the direct path); any other residual is first copied into `output` (reordered
    /// into the blocked output on the Winograd path). (The binary-add post-op would avoid that copy
    /// but gave wrong results in oneDNN 2.6's SSE4.1 1×1 kernels.)
    public func run(_ input: UnsafePointer<Float>, batch: Int, height: Int, width: Int,
                    into output: UnsafeMutablePointer<Float>, residual: UnsafePointer<Float>?, relu: Bool,
                    context: DNNLExecutionContext) {
        let plan = self.plan(batch: batch, height: height, width: width, residual: residual != nil, relu: relu)
        var source = UnsafeMutableRawPointer(mutating: input), destination = UnsafeMutableRawPointer(output)
        if let blocked = plan.blocked {
            source = context.buffer(.blockedSource, bytes: blocked.sourceBytes)
            destination = context.buffer(.blockedDestination, bytes: blocked.destinationBytes)
            blocked.source.run(from: input, to: source, context: context)
            if let residual { blocked.residual.run(from: residual, to: destination, context: context) }
        } else if let residual, residual != UnsafePointer(output) {
            output.update(from: residual, count: plan.outputCount)
        }
        let arguments: [(Int32, dnnl_memory_desc_t, UnsafeMutableRawPointer)] = [
            (DNNL_ARG_SRC, plan.source, source),
            (DNNL_ARG_WEIGHTS, plan.weights.descriptor, plan.weights.data),
            (DNNL_ARG_BIAS, plan.bias.descriptor, plan.bias.data),
            (DNNL_ARG_DST, plan.destination, destination),
        ]
        context.execute(plan.primitive, arguments, scratchpadBytes: plan.scratchpadBytes, name: "convolution")
        plan.blocked?.result.run(from: destination, to: output, context: context)
    }

    /// oneDNN's name of the kernel a call of this geometry runs on the calling thread's OpenMP
    /// thread count (building it if needed), e.g. "jit_fp32_wino_2x3:avx512_core".
    public func implementation(batch: Int, height: Int, width: Int, residual: Bool, relu: Bool) -> String {
        plan(batch: batch, height: height, width: width, residual: residual, relu: relu).implementation
    }

    private func plan(batch: Int, height: Int, width: Int, residual: Bool, relu: Bool) -> Plan {
        let key = PlanKey(batch: batch, height: height, width: width, residual: residual, relu: relu,
                          threads: DNNL.threadsForCallingThread)
        lock.lock()
        defer { lock.unlock() }
        if let plan = plans[key] { return plan }
        let winograd = DNNL.winogradAvailable && algorithm.asksForWinograd(kernel: kernel, stride: stride)
        let plan = (winograd ? makePlan(key, winograd: true) : nil) ?? makePlan(key, winograd: false)!
        plans[key] = plan
        return plan
    }

    /// Builds the kernel for `key`: direct on NHWC, or Winograd on the layout it picks (nil when
    /// oneDNN has no Winograd kernel for this convolution).
    private func makePlan(_ key: PlanKey, winograd: Bool) -> Plan? {
        let (oh, ow) = outputSize(height: key.height, width: key.width)
        let nhwcSource = DNNL.memoryDescriptor([key.batch, inputChannels, key.height, key.width], dnnl_nhwc)
        let nhwcDestination = DNNL.memoryDescriptor([key.batch, outputChannels, oh, ow], dnnl_nhwc)
        var source = winograd ? DNNL.memoryDescriptor([key.batch, inputChannels, key.height, key.width],
                                                           dnnl_format_tag_any) : nhwcSource
        var destination = winograd ? DNNL.memoryDescriptor([key.batch, outputChannels, oh, ow], dnnl_format_tag_any)
                                   : nhwcDestination
        var weightsAny = DNNL.memoryDescriptor([outputChannels, inputChannels, kernel, kernel], dnnl_format_tag_any)
        var biasDescriptor = DNNL.memoryDescriptor([outputChannels], dnnl_a)
        let strides = DNNL.dims([stride, stride]), paddings = DNNL.dims([padding, padding])
        var descriptor = dnnl_convolution_desc_t()
        DNNL.check(dnnl_convolution_forward_desc_init(&descriptor, dnnl_forward_inference,
                                                      winograd ? dnnl_convolution_winograd : dnnl_convolution_direct,
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
        let status = dnnl_primitive_desc_create(&primitiveDescriptor, &descriptor, attributes, DNNL.engine, nil)
        dnnl_post_ops_destroy(postOps)
        dnnl_primitive_attr_destroy(attributes)
        if winograd && status == dnnl_unimplemented { return nil }
        DNNL.check(status, "convolution primitive_desc_create")
        defer { dnnl_primitive_desc_destroy(primitiveDescriptor) }
        var primitive: dnnl_primitive_t?
        DNNL.check(dnnl_primitive_create(&primitive, primitiveDescriptor), "convolution primitive_create")
        let query = { (what: dnnl_query_t) in dnnl_primitive_desc_query_md(primitiveDescriptor, what, 0) }
        let scratchpadBytes = query(dnnl_query_scratchpad_md).map { dnnl_memory_desc_get_size($0) } ?? 0
        var name: UnsafePointer<CChar>?
        DNNL.check(dnnl_primitive_desc_query(primitiveDescriptor, dnnl_query_impl_info_str, 0, &name), "query impl_info_str")
        var blocked: BlockedLayout?
        if winograd {
            source = query(dnnl_query_src_md)!.pointee
            destination = query(dnnl_query_dst_md)!.pointee
            blocked = BlockedLayout(source: DNNLReorder(from: nhwcSource, to: source),
                                    residual: DNNLReorder(from: nhwcDestination, to: destination),
                                    result: DNNLReorder(from: destination, to: nhwcDestination),
                                    sourceBytes: dnnl_memory_desc_get_size(&source),
                                    destinationBytes: dnnl_memory_desc_get_size(&destination))
        }
        return Plan(primitive: primitive!, weights: packWeights(into: query(dnnl_query_weights_md)!.pointee),
                    bias: biasMemory(biasDescriptor), source: source, destination: destination,
                    scratchpadBytes: scratchpadBytes, outputCount: key.batch * oh * ow * outputChannels,
                    implementation: name.map { String(cString: $0) } ?? "unknown", blocked: blocked)
    }

    /// The HWIO weights reordered into the layout the kernel chose.
    private func packWeights(into layout: dnnl_memory_desc_t) -> PackedTensor {
        let plain = DNNL.memoryDescriptor([outputChannels, inputChannels, kernel, kernel], dnnl_hwio)
        let packed = PackedTensor(layout)
        weights.withUnsafeBytes { plainWeights in
            DNNLReorder(from: plain, to: layout).run(from: plainWeights.baseAddress!, to: packed.data,
                                                     context: DNNLExecutionContext())
        }
        return packed
    }

    private func biasMemory(_ descriptor: dnnl_memory_desc_t) -> PackedTensor {
        let packed = PackedTensor(descriptor)
        bias.withUnsafeBytes { packed.data.copyMemory(from: $0.baseAddress!, byteCount: $0.count) }
        return packed
    }

    /// Whether oneDNN builds a Winograd kernel for a 16→16-channel 3×3 convolution on this ISA.
    static func winogradKernelExists() -> Bool {
        let probe = DNNLConvolution(inputChannels: 16, outputChannels: 16, kernel: 3, stride: 1, padding: 1,
                                    weights: [Float](repeating: 0, count: 9 * 16 * 16),
                                    bias: [Float](repeating: 0, count: 16), algorithm: .winograd)
        let key = PlanKey(batch: 1, height: 8, width: 8, residual: false, relu: false, threads: 1)
        return probe.makePlan(key, winograd: true) != nil
    }
}
