import Tensor

/// Scratch memory for one `FoldedResNet` forward pass: four activation buffers that blocks rotate
/// through, the pooled features before the classifier, and the oneDNN stream and scratchpad of the
/// thread that runs it, sized for a given batch and image size and reused across calls, so the hot
/// loop allocates nothing. Not thread-safe: one workspace per concurrent pass.
final class InferenceWorkspace {
    let activationCapacity: Int
    let activations: [UnsafeMutablePointer<Float>]
    let pooled: UnsafeMutablePointer<Float>
    let context = DNNLExecutionContext()
    private let pooledCapacity: Int

    init(activationCapacity: Int, pooledCapacity: Int) {
        self.activationCapacity = activationCapacity
        self.pooledCapacity = max(1, pooledCapacity)
        activations = (0..<4).map { _ in
            let buffer = UnsafeMutablePointer<Float>.allocate(capacity: activationCapacity)
            buffer.initialize(repeating: 0, count: activationCapacity)
            return buffer
        }
        pooled = .allocate(capacity: self.pooledCapacity)
        pooled.initialize(repeating: 0, count: self.pooledCapacity)
    }

    deinit {
        for buffer in activations { buffer.deallocate() }
        pooled.deallocate()
    }
}
