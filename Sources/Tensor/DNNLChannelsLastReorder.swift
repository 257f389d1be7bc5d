import CDNNL
import Foundation

/// Rewrites batches of NCHW float images (PyTorch's layout) as NHWC (the inference convolutions'
/// layout) on oneDNN's reorder kernel, on the calling thread's OpenMP team.
///
/// A kernel is built per geometry and OpenMP thread count on first use and reused. `run` may be
/// called from several threads at once, each with its own `DNNLExecutionContext`.
public final class DNNLChannelsLastReorder: @unchecked Sendable {
    private var reorders: [Geometry: DNNLReorder] = [:]
    private let lock = NSLock()

    private struct Geometry: Hashable {
        let batch, channels, height, width, threads: Int
    }

    public init() {}

    /// output[n, y, x, c] = input[n, c, y, x]. `output` must not overlap `input`.
    public func run(_ input: UnsafePointer<Float>, batch: Int, channels: Int, height: Int, width: Int,
                    into output: UnsafeMutablePointer<Float>, context: DNNLExecutionContext) {
        let geometry = Geometry(batch: batch, channels: channels, height: height, width: width,
                                threads: DNNL.threadsForCallingThread)
        lock.lock()
        let reorder = reorders[geometry] ?? {
            let dimensions = [batch, channels, height, width]
            let made = DNNLReorder(from: DNNL.memoryDescriptor(dimensions, dnnl_nchw), to: DNNL.memoryDescriptor(dimensions, dnnl_nhwc))
            reorders[geometry] = made
            return made
        }()
        lock.unlock()
        reorder.run(from: input, to: output, context: context)
    }
}
