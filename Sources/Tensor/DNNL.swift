import CDNNL
import Foundation

/// The process's oneDNN CPU engine, on which the convolution kernels run.
///
/// oneDNN picks its kernels at run time from cpuid (AVX-512, AVX2+FMA, SSE4.1). The environment
/// variable `SLIDEMIL_CPU_ISA` caps that choice for the whole process so one machine can run every
/// path its CPU supports: `avx512` (`avx512_core`), `avx2`, `sse41`; unset or `all` leaves oneDNN's
/// own choice. It is read once, before the first kernel is built, as is `SLIDEMIL_CONV_ALGORITHM`
/// (`direct`, `winograd` or `auto`, the default; see `DNNLConvolutionAlgorithm`).
public enum DNNL {
    /// The CPU engine (created on first use, never released).
    public static var engine: dnnl_engine_t { shared.engine }

    /// The instruction set oneDNN's kernels use in this process, e.g. "avx512_core".
    public static var effectiveISA: String {
        _ = shared
        return isaName(dnnl_get_effective_cpu_isa())
    }

    /// The value of `SLIDEMIL_CPU_ISA` that was applied, or nil when oneDNN chose by itself.
    public static var requestedISA: String? { shared.requestedISA }

    /// The convolution algorithm `SLIDEMIL_CONV_ALGORITHM` asks for (`auto` when unset): the
    /// default of every `DNNLConvolution` built without an explicit one.
    public static var convolutionAlgorithm: DNNLConvolutionAlgorithm { shared.algorithm }

    /// Whether oneDNN has a Winograd kernel on this process's ISA (AVX-512 only in oneDNN 2.6),
    /// found by asking for one on a small 3×3 convolution.
    public static let winogradAvailable: Bool = DNNLConvolution.winogradKernelExists()

    /// How convolutions are computed in this process, in words, e.g. "auto: Winograd for
    /// stride-1 3×3 by the measured rule, direct elsewhere".
    public static var convolutionAlgorithmDescription: String {
        let setting = convolutionAlgorithm.rawValue + (shared.algorithmRequested ? " from SLIDEMIL_CONV_ALGORITHM" : "")
        guard winogradAvailable else { return "\(setting): all direct (no Winograd kernel on \(effectiveISA))" }
        switch convolutionAlgorithm {
        case .direct: return "\(setting): all direct"
        case .winograd: return "\(setting): Winograd for stride-1 3×3, direct elsewhere"
        case .auto: return "\(setting): Winograd for stride-1 3×3 by the measured rule, direct elsewhere"
        }
    }

    /// "major.minor.patch" of the linked oneDNN.
    public static var version: String {
        let version = dnnl_version().pointee
        return "\(version.major).\(version.minor).\(version.patch)"
    }

    /// The ISA caps `SLIDEMIL_CPU_ISA` accepts, most capable first.
    public static let isaChoices: [String] = ["avx512", "avx2", "sse41"]

    /// OpenMP threads the calling thread gives to each oneDNN kernel (a per-thread setting).
    public static var threadsForCallingThread: Int {
        get { Int(omp_get_max_threads()) }
        set { omp_set_num_threads(Int32(max(1, newValue))) }
    }

    /// Stops with a one-line message naming `call` when a oneDNN call fails. Every call checked
    /// here has valid arguments by construction; a failure is a bug or an unsupported CPU.
    @inlinable
    public static func check(_ status: dnnl_status_t, _ call: @autoclosure () -> String) {
        if status != dnnl_success { fatalError("oneDNN \(call()) failed with status \(status.rawValue)") }
    }

    /// A dimension list as oneDNN takes it (an int64 array of DNNL_MAX_NDIMS entries).
    static func dims(_ values: [Int]) -> [Int64] {
        values.map(Int64.init) + [Int64](repeating: 0, count: Int(DNNL_MAX_NDIMS) - values.count)
    }

    /// A float32 memory descriptor of `dimensions` in layout `tag`.
    static func memoryDescriptor(_ dimensions: [Int], _ tag: dnnl_format_tag_t) -> dnnl_memory_desc_t {
        var descriptor = dnnl_memory_desc_t()
        check(dnnl_memory_desc_init_by_tag(&descriptor, Int32(dimensions.count), dims(dimensions), dnnl_f32, tag),
              "memory_desc_init")
        return descriptor
    }

    /// Builds the primitive an operation descriptor asks for (oneDNN's best kernel for it on this
    /// process's ISA), with a scratchpad the caller provides; returns it and the scratchpad's size.
    static func primitive<Descriptor>(for descriptor: inout Descriptor, name: String) -> (primitive: dnnl_primitive_t, scratchpadBytes: Int) {
        var attributes: dnnl_primitive_attr_t?
        check(dnnl_primitive_attr_create(&attributes), "primitive_attr_create")
        defer { dnnl_primitive_attr_destroy(attributes) }
        check(dnnl_primitive_attr_set_scratchpad_mode(attributes, dnnl_scratchpad_mode_user), "set_scratchpad_mode")
        var primitiveDescriptor: dnnl_primitive_desc_t?
        check(dnnl_primitive_desc_create(&primitiveDescriptor, &descriptor, attributes, engine, nil), "\(name) primitive_desc_create")
        defer { dnnl_primitive_desc_destroy(primitiveDescriptor) }
        var primitive: dnnl_primitive_t?
        check(dnnl_primitive_create(&primitive, primitiveDescriptor), "\(name) primitive_create")
        let scratchpadBytes = dnnl_primitive_desc_query_md(primitiveDescriptor, dnnl_query_scratchpad_md, 0)
            .map { dnnl_memory_desc_get_size($0) } ?? 0
        return (primitive!, scratchpadBytes)
    }

    private struct Runtime: @unchecked Sendable {
        let engine: dnnl_engine_t
        let requestedISA: String?
        let algorithm: DNNLConvolutionAlgorithm
        let algorithmRequested: Bool
    }

    private static let shared: Runtime = {
        var requested: String?
        if let value = ProcessInfo.processInfo.environment["SLIDEMIL_CPU_ISA"], !value.isEmpty, value != "all" {
            let isa: dnnl_cpu_isa_t
            switch value {
            case "avx512": isa = dnnl_cpu_isa_avx512_core
            case "avx2": isa = dnnl_cpu_isa_avx2
            case "sse41": isa = dnnl_cpu_isa_sse41
            default: fatalError("SLIDEMIL_CPU_ISA=\(value) is not one of all, \(isaChoices.joined(separator: ", "))")
            }
            check(dnnl_set_max_cpu_isa(isa), "set_max_cpu_isa(\(value))")
            requested = value
        }
        var algorithm = DNNLConvolutionAlgorithm.auto, algorithmRequested = false
        if let value = ProcessInfo.processInfo.environment["SLIDEMIL_CONV_ALGORITHM"], !value.isEmpty {
            guard let chosen = DNNLConvolutionAlgorithm(rawValue: value) else {
                let choices = DNNLConvolutionAlgorithm.allCases.map(\.rawValue).joined(separator: ", ")
                fatalError("SLIDEMIL_CONV_ALGORITHM=\(value) is not one of \(choices)")
            }
            (algorithm, algorithmRequested) = (chosen, true)
        }
        var engine: dnnl_engine_t?
        check(dnnl_engine_create(&engine, dnnl_cpu, 0), "engine_create")
        return Runtime(engine: engine!, requestedISA: requested, algorithm: algorithm, algorithmRequested: algorithmRequested)
    }()

    private static func isaName(_ isa: dnnl_cpu_isa_t) -> String {
        switch isa {
        case dnnl_cpu_isa_sse41: return "sse41"
        case dnnl_cpu_isa_avx: return "avx"
        case dnnl_cpu_isa_avx2: return "avx2"
        case dnnl_cpu_isa_avx2_vnni: return "avx2_vnni"
        case dnnl_cpu_isa_avx512_core: return "avx512_core"
        case dnnl_cpu_isa_avx512_core_vnni: return "avx512_core_vnni"
        case dnnl_cpu_isa_avx512_core_bf16: return "avx512_core_bf16"
        case dnnl_cpu_isa_avx512_core_amx: return "avx512_core_amx"
        default: return "isa 0x\(String(isa.rawValue, radix: 16))"
        }
    }
}
