/// Scratch memory for one `FoldedResNet` forward pass: four activation buffers that blocks rotate
/// through and one patch-matrix buffer, sized for a given batch and image size and reused across
/// calls, so the hot loop allocates nothing. Not thread-safe: one workspace per concurrent pass.
final class InferenceWorkspace {
    let activationCapacity: Int
    let columnCapacity: Int
    let activations: [UnsafeMutablePointer<Float>]
    let columns: UnsafeMutablePointer<Float>

    init(activationCapacity: Int, columnCapacity: Int) {
        self.activationCapacity = activationCapacity
        self.columnCapacity = max(1, columnCapacity)
        activations = (0..<4).map { _ in
            let buffer = UnsafeMutablePointer<Float>.allocate(capacity: activationCapacity)
            buffer.initialize(repeating: 0, count: activationCapacity)
            return buffer
        }
        columns = .allocate(capacity: self.columnCapacity)
        columns.initialize(repeating: 0, count: self.columnCapacity)
    }

    deinit {
        for buffer in activations { buffer.deallocate() }
        columns.deallocate()
    }
}
