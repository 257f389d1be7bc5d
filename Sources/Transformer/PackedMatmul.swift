import CDNNL
import Foundation
import Tensor

/// `y = input · Wᵀ + bias` for a fixed weight W ([outputWidth, inputWidth], PyTorch's `nn.Linear`
/// layout) on rows of tokens, run by oneDNN's matmul (its brgemm kernels, chosen at run time from
/// cpuid), with what follows the product fused into the kernel's output (`Epilogue`): nothing,
/// GELU, or a LayerScale and the residual connection.
///
/// The weight is repacked once into the blocked layout the kernel asks for, on the first call,
/// and the row-major copy is released then: the layer holds one copy of its weight at any time
/// (the unpacked one until the first forward). A kernel is built per geometry (rows, row
/// strides and the OpenMP threads it runs on, since oneDNN splits a kernel's work for the team
/// size in effect when it is built) and kept, up to `cachedGeometries` of them (a full batch and the last, partial batch
/// of each slide; the cache is emptied when a new geometry would exceed it). Calls are serialised.
public final class PackedMatmul: @unchecked Sendable {
    /// What the kernel does with `y = input · Wᵀ + bias` before storing it.
    public enum Epilogue: Equatable, Sendable {
        /// `output = y`.
        case none
        /// `output = GELU(y)`, with the exact error function.
        case gelu
        /// `output += scale ⊙ y` (LayerScale, when given, then the residual connection): the
        /// output buffer holds the residual stream and is updated in place.
        case scaledResidual([Float]?)
    }

    /// Input features (K).
    public let inputWidth: Int
    /// Output features (N).
    public let outputWidth: Int
    /// What follows the product.
    public let epilogue: Epilogue
    private var plainWeight: [Float]?
    /// A layer scale still to be folded into `plainWeight`'s rows.
    private var layerScale: [Float]?
    private let bias: dnnl_memory_t
    /// Packed copies of the weight, one per layout a kernel asked for (in practice one).
    private var packedCopies: [(memory: dnnl_memory_t, descriptor: dnnl_memory_desc_t)] = []
    private var plans: [Geometry: Plan] = [:]
    private let stream: dnnl_stream_t
    private let lock = NSLock()
    /// Kernels kept at most per layer.
    static let cachedGeometries = 4

    private struct Geometry: Hashable {
        let rows, inputStride, outputStride, threads: Int
    }

    private final class Plan {
        let primitive: dnnl_primitive_t
        let weights: dnnl_memory_t
        var implementation = ""
        var source: dnnl_memory_desc_t
        var destination: dnnl_memory_desc_t
        init(primitive: dnnl_primitive_t, weights: dnnl_memory_t, source: dnnl_memory_desc_t, destination: dnnl_memory_desc_t) {
            self.primitive = primitive
            self.weights = weights
            self.source = source
            self.destination = destination
        }
        deinit { dnnl_primitive_destroy(primitive) }
    }

    /// - Parameters:
    ///   - weight: outputWidth · inputWidth values, row-major [out, in].
    ///   - bias: outputWidth values.
    ///   - epilogue: what follows the product (a scale must have outputWidth values).
    public init(weight: [Float], inputWidth: Int, outputWidth: Int, bias: [Float], epilogue: Epilogue = .none) {
        precondition(weight.count == inputWidth * outputWidth && bias.count == outputWidth, "PackedMatmul: weight [\(outputWidth), \(inputWidth)] and bias [\(outputWidth)]")
        self.inputWidth = inputWidth
        self.outputWidth = outputWidth
        self.epilogue = epilogue
        // A layer scale is folded into the weight's rows and the bias, gamma ⊙ (x·Wᵀ + b) =
        // x·(gamma ⊙ W)ᵀ + gamma ⊙ b, leaving the sum post-op alone: oneDNN 2.6 runs a binary
        // post-op only in its AVX-512 kernels and falls back to its reference kernel elsewhere.
        // The weight is scaled when it is packed, by then its only copy, so that loading never
        // holds a scaled and an unscaled copy at once.
        plainWeight = weight
        if case let .scaledResidual(gamma?) = epilogue {
            precondition(gamma.count == outputWidth, "layer scale of \(gamma.count) for width \(outputWidth)")
            layerScale = gamma
            self.bias = Self.rowOperand(zip(bias, gamma).map { $0 * $1 })
        } else {
            layerScale = nil
            self.bias = Self.rowOperand(bias)
        }
        var stream: dnnl_stream_t?
        DNNL.check(dnnl_stream_create(&stream, DNNL.engine, dnnl_stream_default_flags.rawValue), "stream_create")
        self.stream = stream!
    }

    deinit {
        plans.removeAll()
        for copy in packedCopies { dnnl_memory_destroy(copy.memory) }
        dnnl_memory_destroy(bias)
        dnnl_stream_destroy(stream)
    }

    /// `output[r] = epilogue(input[r] · Wᵀ + b)` for `rows` rows, input rows `inputStride` floats
    /// apart, output rows `outputStride` apart, on `threads` OpenMP threads.
    public func run(_ input: UnsafePointer<Float>, inputStride: Int, rows: Int,
                    into output: UnsafeMutablePointer<Float>, outputStride: Int, threads: Int) {
        guard rows > 0 else { return }
        lock.lock()
        defer { lock.unlock() }
        let savedThreads = DNNL.threadsForCallingThread
        DNNL.threadsForCallingThread = threads
        defer { DNNL.threadsForCallingThread = savedThreads }
        let plan = self.plan(Geometry(rows: rows, inputStride: inputStride, outputStride: outputStride, threads: threads))
        let engine = DNNL.engine
        var source: dnnl_memory_t?, destination: dnnl_memory_t?
        DNNL.check(dnnl_memory_create(&source, &plan.source, engine, UnsafeMutableRawPointer(mutating: input)), "memory_create")
        DNNL.check(dnnl_memory_create(&destination, &plan.destination, engine, output), "memory_create")
        var arguments = [
            dnnl_exec_arg_t(arg: DNNL_ARG_SRC, memory: source),
            dnnl_exec_arg_t(arg: DNNL_ARG_WEIGHTS, memory: plan.weights),
            dnnl_exec_arg_t(arg: DNNL_ARG_BIAS, memory: bias),
            dnnl_exec_arg_t(arg: DNNL_ARG_DST, memory: destination),
        ]
        DNNL.check(dnnl_primitive_execute(plan.primitive, stream, Int32(arguments.count), &arguments), "matmul")
        DNNL.check(dnnl_stream_wait(stream), "stream_wait")
        dnnl_memory_destroy(source)
        dnnl_memory_destroy(destination)
    }

    /// The name of oneDNN's kernel for a geometry on the calling thread's OpenMP team (e.g.
    /// "brg:avx512_core"; "ref:any" is its slow reference fallback), building it if needed.
    public func implementation(rows: Int, inputStride: Int, outputStride: Int) -> String {
        lock.lock()
        defer { lock.unlock() }
        return plan(Geometry(rows: rows, inputStride: inputStride, outputStride: outputStride,
                             threads: DNNL.threadsForCallingThread)).implementation
    }

    /// The kernel for `geometry`, built on first use, with the weight packed for it.
    private func plan(_ geometry: Geometry) -> Plan {
        if let plan = plans[geometry] { return plan }
        if plans.count >= Self.cachedGeometries { plans.removeAll() }
        let engine = DNNL.engine
        var source = dnnl_memory_desc_t(), weightsAny = dnnl_memory_desc_t(), biasDescriptor = dnnl_memory_desc_t()
        var destination = dnnl_memory_desc_t()
        DNNL.check(dnnl_memory_desc_init_by_strides(&source, 2, Self.dims([geometry.rows, inputWidth]), dnnl_f32,
                                                    Self.dims([geometry.inputStride, 1])), "memory_desc_init")
        DNNL.check(dnnl_memory_desc_init_by_tag(&weightsAny, 2, Self.dims([inputWidth, outputWidth]), dnnl_f32, dnnl_format_tag_any),
                   "memory_desc_init")
        DNNL.check(dnnl_memory_desc_init_by_tag(&biasDescriptor, 2, Self.dims([1, outputWidth]), dnnl_f32, dnnl_ab), "memory_desc_init")
        DNNL.check(dnnl_memory_desc_init_by_strides(&destination, 2, Self.dims([geometry.rows, outputWidth]), dnnl_f32,
                                                    Self.dims([geometry.outputStride, 1])), "memory_desc_init")
        var descriptor = dnnl_matmul_desc_t()
        DNNL.check(dnnl_matmul_desc_init(&descriptor, &source, &weightsAny, &biasDescriptor, &destination), "matmul_desc_init")
        var attributes: dnnl_primitive_attr_t?
        var postOps: dnnl_post_ops_t?
        DNNL.check(dnnl_primitive_attr_create(&attributes), "primitive_attr_create")
        DNNL.check(dnnl_post_ops_create(&postOps), "post_ops_create")
        switch epilogue {
        case .none: break
        case .gelu: DNNL.check(dnnl_post_ops_append_eltwise(postOps, 1, dnnl_eltwise_gelu_erf, 0, 0), "append_eltwise")
        case .scaledResidual:
            DNNL.check(dnnl_post_ops_append_sum(postOps, 1), "append_sum")
        }
        DNNL.check(dnnl_primitive_attr_set_post_ops(attributes, postOps), "set_post_ops")
        var primitiveDescriptor: dnnl_primitive_desc_t?
        DNNL.check(dnnl_primitive_desc_create(&primitiveDescriptor, &descriptor, attributes, engine, nil), "matmul primitive_desc_create")
        dnnl_post_ops_destroy(postOps)
        dnnl_primitive_attr_destroy(attributes)
        defer { dnnl_primitive_desc_destroy(primitiveDescriptor) }
        var primitive: dnnl_primitive_t?
        DNNL.check(dnnl_primitive_create(&primitive, primitiveDescriptor), "matmul primitive_create")
        let wanted = dnnl_primitive_desc_query_md(primitiveDescriptor, dnnl_query_weights_md, 0)!
        let plan = Plan(primitive: primitive!, weights: weights(in: wanted), source: source, destination: destination)
        var name: UnsafePointer<CChar>?
        if dnnl_primitive_desc_query(primitiveDescriptor, dnnl_query_impl_info_str, 0, &name) == dnnl_success, let name {
            plan.implementation = String(cString: name)
        }
        plans[geometry] = plan
        return plan
    }

    /// The weight in the layout `wanted`: a packed copy already made, or a new one reordered from
    /// the row-major weight (released then) or from the first packed copy.
    private func weights(in wanted: UnsafePointer<dnnl_memory_desc_t>) -> dnnl_memory_t {
        for copy in packedCopies where withUnsafePointer(to: copy.descriptor, { dnnl_memory_desc_equal($0, wanted) }) != 0 {
            return copy.memory
        }
        let engine = DNNL.engine
        var target: dnnl_memory_t?
        DNNL.check(dnnl_memory_create(&target, wanted, engine, slidemil_dnnl_memory_allocate()), "memory_create")
        if var first = packedCopies.first {
            reorder(from: &first.descriptor, memory: first.memory, to: wanted, memory: target!)
        } else {
            // W is [N, K] row-major: as the matmul's [K, N] weights, that is the transposed tag.
            var plain = dnnl_memory_desc_t()
            DNNL.check(dnnl_memory_desc_init_by_tag(&plain, 2, Self.dims([inputWidth, outputWidth]), dnnl_f32, dnnl_ba), "memory_desc_init")
            if let gamma = layerScale {
                let width = inputWidth
                plainWeight!.withUnsafeMutableBufferPointer { buffer in
                    for row in 0..<outputWidth {
                        for column in 0..<width { buffer[row * width + column] *= gamma[row] }
                    }
                }
                layerScale = nil
            }
            plainWeight!.withUnsafeMutableBufferPointer { buffer in
                var source: dnnl_memory_t?
                DNNL.check(dnnl_memory_create(&source, &plain, engine, buffer.baseAddress!), "memory_create")
                reorder(from: &plain, memory: source!, to: wanted, memory: target!)
                dnnl_memory_destroy(source)
            }
            plainWeight = nil
        }
        packedCopies.append((target!, wanted.pointee))
        return target!
    }

    private func reorder(from source: UnsafePointer<dnnl_memory_desc_t>, memory sourceMemory: dnnl_memory_t,
                         to target: UnsafePointer<dnnl_memory_desc_t>, memory targetMemory: dnnl_memory_t) {
        let engine = DNNL.engine
        var reorderDescriptor: dnnl_primitive_desc_t?, reorder: dnnl_primitive_t?
        DNNL.check(dnnl_reorder_primitive_desc_create(&reorderDescriptor, source, engine, target, engine, nil), "reorder_desc")
        DNNL.check(dnnl_primitive_create(&reorder, reorderDescriptor), "reorder primitive_create")
        var arguments = [dnnl_exec_arg_t(arg: DNNL_ARG_FROM, memory: sourceMemory),
                         dnnl_exec_arg_t(arg: DNNL_ARG_TO, memory: targetMemory)]
        DNNL.check(dnnl_primitive_execute(reorder, stream, 2, &arguments), "weight reorder")
        DNNL.check(dnnl_stream_wait(stream), "stream_wait")
        dnnl_primitive_destroy(reorder)
        dnnl_primitive_desc_destroy(reorderDescriptor)
    }

    /// A [1, count] operand holding `values` (the bias).
    private static func rowOperand(_ values: [Float]) -> dnnl_memory_t {
        var descriptor = dnnl_memory_desc_t()
        DNNL.check(dnnl_memory_desc_init_by_tag(&descriptor, 2, dims([1, values.count]), dnnl_f32, dnnl_ab), "memory_desc_init")
        var memory: dnnl_memory_t?
        DNNL.check(dnnl_memory_create(&memory, &descriptor, DNNL.engine, slidemil_dnnl_memory_allocate()), "memory_create")
        var handle: UnsafeMutableRawPointer?
        DNNL.check(dnnl_memory_get_data_handle(memory, &handle), "get_data_handle")
        values.withUnsafeBytes { handle!.copyMemory(from: $0.baseAddress!, byteCount: $0.count) }
        return memory!
    }

    /// A dimension list as oneDNN takes it (DNNL_MAX_NDIMS int64 entries).
    private static func dims(_ values: [Int]) -> [Int64] {
        values.map(Int64.init) + [Int64](repeating: 0, count: Int(DNNL_MAX_NDIMS) - values.count)
    }
}
