import CDNNL

/// What one thread needs to run oneDNN kernels: a stream, a scratchpad, and the two buffers that
/// hold a blocked-layout copy of a convolution's input and output (Winograd), each growing to the
/// largest need seen. Not thread-safe: one context per thread.
public final class DNNLExecutionContext {
    let stream: dnnl_stream_t
    private var buffers: [(pointer: UnsafeMutableRawPointer?, capacity: Int)] = Array(repeating: (nil, 0),
                                                                                      count: Buffer.allCases.count)

    /// The buffers a context holds.
    enum Buffer: Int, CaseIterable {
        case scratchpad, blockedSource, blockedDestination
    }

    public init() {
        var stream: dnnl_stream_t?
        DNNL.check(dnnl_stream_create(&stream, DNNL.engine, dnnl_stream_default_flags.rawValue), "stream_create")
        self.stream = stream!
    }

    /// `buffer`, grown to at least `bytes` (64-byte aligned; contents are not kept when it grows).
    func buffer(_ buffer: Buffer, bytes: Int) -> UnsafeMutableRawPointer {
        let slot = buffer.rawValue
        if bytes > buffers[slot].capacity || buffers[slot].pointer == nil {
            buffers[slot].pointer?.deallocate()
            buffers[slot] = (.allocate(byteCount: max(bytes, 64), alignment: 64), max(bytes, 64))
        }
        return buffers[slot].pointer!
    }

    /// Runs `primitive` on this thread's stream with `arguments` (oneDNN argument index, memory
    /// descriptor, data) and, when `scratchpadBytes` > 0, the context's scratchpad; returns when done.
    func execute(_ primitive: dnnl_primitive_t, _ arguments: [(Int32, dnnl_memory_desc_t, UnsafeMutableRawPointer)],
                 scratchpadBytes: Int, name: @autoclosure () -> String) {
        let engine = DNNL.engine
        var memories: [dnnl_memory_t] = []
        var executeArguments: [dnnl_exec_arg_t] = []
        func add(_ argument: Int32, _ descriptor: dnnl_memory_desc_t, _ data: UnsafeMutableRawPointer) {
            var memory: dnnl_memory_t?, descriptor = descriptor
            DNNL.check(dnnl_memory_create(&memory, &descriptor, engine, data), "memory_create")
            memories.append(memory!)
            executeArguments.append(dnnl_exec_arg_t(arg: argument, memory: memory))
        }
        for (argument, descriptor, data) in arguments { add(argument, descriptor, data) }
        if scratchpadBytes > 0 {
            var descriptor = dnnl_memory_desc_t()
            DNNL.check(dnnl_memory_desc_init_by_tag(&descriptor, 1, DNNL.dims([scratchpadBytes]), dnnl_u8, dnnl_a),
                       "memory_desc_init")
            add(DNNL_ARG_SCRATCHPAD, descriptor, buffer(.scratchpad, bytes: scratchpadBytes))
        }
        DNNL.check(dnnl_primitive_execute(primitive, stream, Int32(executeArguments.count), &executeArguments), name())
        DNNL.check(dnnl_stream_wait(stream), "stream_wait")
        for memory in memories { dnnl_memory_destroy(memory) }
    }

    deinit {
        for buffer in buffers { buffer.pointer?.deallocate() }
        dnnl_stream_destroy(stream)
    }
}

/// A oneDNN reorder from one memory layout of a tensor to another, built once and run many times
/// (from any thread, each with its own context).
final class DNNLReorder {
    let source: dnnl_memory_desc_t
    let destination: dnnl_memory_desc_t
    private let primitive: dnnl_primitive_t
    private let scratchpadBytes: Int

    init(from source: dnnl_memory_desc_t, to destination: dnnl_memory_desc_t) {
        self.source = source
        self.destination = destination
        var attributes: dnnl_primitive_attr_t?
        DNNL.check(dnnl_primitive_attr_create(&attributes), "primitive_attr_create")
        DNNL.check(dnnl_primitive_attr_set_scratchpad_mode(attributes, dnnl_scratchpad_mode_user), "set_scratchpad_mode")
        var descriptor: dnnl_primitive_desc_t?
        var (from, to) = (source, destination)
        DNNL.check(dnnl_reorder_primitive_desc_create(&descriptor, &from, DNNL.engine, &to, DNNL.engine, attributes),
                   "reorder primitive_desc_create")
        dnnl_primitive_attr_destroy(attributes)
        defer { dnnl_primitive_desc_destroy(descriptor) }
        var primitive: dnnl_primitive_t?
        DNNL.check(dnnl_primitive_create(&primitive, descriptor), "reorder primitive_create")
        self.primitive = primitive!
        scratchpadBytes = dnnl_primitive_desc_query_md(descriptor, dnnl_query_scratchpad_md, 0)
            .map { dnnl_memory_desc_get_size($0) } ?? 0
    }

    /// Rewrites the tensor at `from` (laid out as `source`) into `to` (laid out as `destination`).
    func run(from: UnsafeRawPointer, to: UnsafeMutableRawPointer, context: DNNLExecutionContext) {
        context.execute(primitive, [(DNNL_ARG_FROM, source, UnsafeMutableRawPointer(mutating: from)),
                                    (DNNL_ARG_TO, destination, to)],
                        scratchpadBytes: scratchpadBytes, name: "reorder")
    }

    deinit { dnnl_primitive_destroy(primitive) }
}
