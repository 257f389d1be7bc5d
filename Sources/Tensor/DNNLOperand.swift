import CDNNL

/// One operand of a oneDNN kernel together with the caller's plain buffer it comes from or goes to.
///
/// The caller's tensors are plain (NCHW activations, OIHW weights); the kernels may want a blocked
/// layout (nChw16c on AVX-512, nChw8c on AVX2, blocked weights). When the two layouts match, the
/// kernel works on the caller's buffer directly and no copy is made; otherwise the operand owns a
/// buffer in the kernel's layout and a reorder between the two. Not thread-safe.
final class DNNLOperand {
    /// Which way the reorder runs.
    enum Direction {
        /// The caller's buffer is an input of the kernel (plain → kernel layout).
        case toKernel
        /// The kernel's result goes to the caller's buffer (kernel layout → plain), overwriting it.
        case fromKernel
        /// As `fromKernel`, but added to what the caller's buffer holds (gradient accumulation).
        case accumulateFromKernel
    }

    /// The memory to pass to the kernel.
    let memory: dnnl_memory_t
    private let plain: dnnl_memory_t
    private let reorder: dnnl_primitive_t?
    private let direction: Direction

    /// - Parameters:
    ///   - plainDescriptor: the caller's layout.
    ///   - kernelDescriptor: the layout the kernel chose.
    ///   - direction: which way data moves.
    ///   - alwaysOwned: keep a buffer of its own even when the layouts match (for an input that
    ///     must outlive the caller's buffer, such as a forward input kept for backward).
    init(plain plainDescriptor: dnnl_memory_desc_t, kernel kernelDescriptor: dnnl_memory_desc_t,
         direction: Direction, alwaysOwned: Bool = false) {
        var plainDescriptor = plainDescriptor, kernelDescriptor = kernelDescriptor
        let engine = DNNL.engine
        self.direction = direction
        var plainMemory: dnnl_memory_t?
        DNNL.check(dnnl_memory_create(&plainMemory, &plainDescriptor, engine, nil), "memory_create")
        plain = plainMemory!
        let same = dnnl_memory_desc_equal(&plainDescriptor, &kernelDescriptor) != 0
        if same && direction != .accumulateFromKernel && !alwaysOwned {
            memory = plain
            reorder = nil
            return
        }
        var kernelMemory: dnnl_memory_t?
        DNNL.check(dnnl_memory_create(&kernelMemory, &kernelDescriptor, engine, slidemil_dnnl_memory_allocate()), "memory_create")
        memory = kernelMemory!
        var attributes: dnnl_primitive_attr_t?
        DNNL.check(dnnl_primitive_attr_create(&attributes), "primitive_attr_create")
        defer { dnnl_primitive_attr_destroy(attributes) }
        if direction == .accumulateFromKernel {
            var postOps: dnnl_post_ops_t?
            DNNL.check(dnnl_post_ops_create(&postOps), "post_ops_create")
            DNNL.check(dnnl_post_ops_append_sum(postOps, 1), "append_sum")
            DNNL.check(dnnl_primitive_attr_set_post_ops(attributes, postOps), "set_post_ops")
            dnnl_post_ops_destroy(postOps)
        }
        var descriptor: dnnl_primitive_desc_t?
        if direction == .toKernel {
            DNNL.check(dnnl_reorder_primitive_desc_create(&descriptor, &plainDescriptor, engine, &kernelDescriptor, engine, attributes),
                       "reorder_desc")
        } else {
            DNNL.check(dnnl_reorder_primitive_desc_create(&descriptor, &kernelDescriptor, engine, &plainDescriptor, engine, attributes),
                       "reorder_desc")
        }
        defer { dnnl_primitive_desc_destroy(descriptor) }
        var primitive: dnnl_primitive_t?
        DNNL.check(dnnl_primitive_create(&primitive, descriptor), "reorder primitive_create")
        reorder = primitive
    }

    /// True when the kernel reads or writes the caller's buffer itself.
    var isCallersBuffer: Bool { reorder == nil }

    /// Points the operand at the caller's buffer for the next `transfer` and kernel run.
    func bind(_ pointer: UnsafeRawPointer) {
        DNNL.check(dnnl_memory_set_data_handle(plain, UnsafeMutableRawPointer(mutating: pointer)), "set_data_handle")
    }

    /// Runs the reorder (plain → kernel for inputs, kernel → plain for outputs); nothing when the
    /// kernel uses the caller's buffer.
    func transfer(on stream: dnnl_stream_t) {
        guard let reorder else { return }
        var arguments = direction == .toKernel
            ? [dnnl_exec_arg_t(arg: DNNL_ARG_FROM, memory: plain), dnnl_exec_arg_t(arg: DNNL_ARG_TO, memory: memory)]
            : [dnnl_exec_arg_t(arg: DNNL_ARG_FROM, memory: memory), dnnl_exec_arg_t(arg: DNNL_ARG_TO, memory: plain)]
        DNNL.check(dnnl_primitive_execute(reorder, stream, 2, &arguments), "reorder")
    }

    deinit {
        if let reorder {
            dnnl_primitive_destroy(reorder)
            dnnl_memory_destroy(memory)
        }
        dnnl_memory_destroy(plain)
    }
}
