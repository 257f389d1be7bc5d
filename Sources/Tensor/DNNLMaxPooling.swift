import CDNNL
import Foundation

/// Max pooling on channels-last (NHWC) float tensors, run by oneDNN on the calling thread's OpenMP
/// team (the threads the convolutions around it use), as PyTorch's `MaxPool2d` without dilation or
/// ceil mode: padding never wins (oneDNN leaves padded positions out of the maximum).
///
/// A kernel is built per input geometry and OpenMP thread count on first use and reused. `run`
/// may be called from several threads at once, each with its own `DNNLExecutionContext`.
public final class DNNLMaxPooling: @unchecked Sendable {
    public let kernel: Int
    public let stride: Int
    public let padding: Int
    private var plans: [PlanKey: Plan] = [:]
    private let lock = NSLock()

    private struct PlanKey: Hashable {
        let batch, channels, height, width, threads: Int
    }

    private final class Plan {
        let primitive: dnnl_primitive_t
        let source, destination: dnnl_memory_desc_t
        let scratchpadBytes: Int

        init(primitive: dnnl_primitive_t, source: dnnl_memory_desc_t, destination: dnnl_memory_desc_t, scratchpadBytes: Int) {
            self.primitive = primitive
            self.source = source
            self.destination = destination
            self.scratchpadBytes = scratchpadBytes
        }

        deinit { dnnl_primitive_destroy(primitive) }
    }

    /// A `kernel`×`kernel` window moved by `stride`, the map padded by `padding` (< `kernel`) on each side.
    public init(kernel: Int, stride: Int, padding: Int) {
        precondition(kernel > 0 && stride > 0 && padding >= 0 && padding < kernel,
                     "DNNLMaxPooling: kernel \(kernel), stride \(stride), padding \(padding)")
        self.kernel = kernel
        self.stride = stride
        self.padding = padding
    }

    /// The output map of a `height`×`width` input (rounded down, as PyTorch's default).
    public func outputSize(height: Int, width: Int) -> (height: Int, width: Int) {
        ((height + 2 * padding - kernel) / stride + 1, (width + 2 * padding - kernel) / stride + 1)
    }

    /// output[N, OH, OW, C] = max over each window of input[N, H, W, C]; the map must be at least
    /// `kernel − 2·padding` wide and high. `output` must not overlap `input`.
    public func run(_ input: UnsafePointer<Float>, batch: Int, height: Int, width: Int, channels: Int,
                    into output: UnsafeMutablePointer<Float>, context: DNNLExecutionContext) {
        let plan = self.plan(PlanKey(batch: batch, channels: channels, height: height, width: width,
                                     threads: DNNL.threadsForCallingThread))
        context.execute(plan.primitive, [(DNNL_ARG_SRC, plan.source, UnsafeMutableRawPointer(mutating: input)),
                                         (DNNL_ARG_DST, plan.destination, UnsafeMutableRawPointer(output))],
                        scratchpadBytes: plan.scratchpadBytes, name: "max pooling")
    }

    private func plan(_ key: PlanKey) -> Plan {
        lock.lock()
        defer { lock.unlock() }
        if let plan = plans[key] { return plan }
        let (oh, ow) = outputSize(height: key.height, width: key.width)
        precondition(oh > 0 && ow > 0, "DNNLMaxPooling: \(key.height)×\(key.width) map smaller than the window")
        var source = DNNL.memoryDescriptor([key.batch, key.channels, key.height, key.width], dnnl_nhwc)
        var destination = DNNL.memoryDescriptor([key.batch, key.channels, oh, ow], dnnl_nhwc)
        let strides = DNNL.dims([stride, stride]), window = DNNL.dims([kernel, kernel])
        let paddings = DNNL.dims([padding, padding])
        var descriptor = dnnl_pooling_desc_t()
        DNNL.check(dnnl_pooling_forward_desc_init(&descriptor, dnnl_forward_inference, dnnl_pooling_max, &source, &destination,
                                                  strides, window, paddings, paddings), "pooling_desc_init")
        let (primitive, scratchpadBytes) = DNNL.primitive(for: &descriptor, name: "max pooling")
        let plan = Plan(primitive: primitive, source: source, destination: destination, scratchpadBytes: scratchpadBytes)
        plans[key] = plan
        return plan
    }
}
