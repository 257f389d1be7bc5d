import Tensor

// The layer design every model in SlideMIL builds on.
//
// A `Layer` is a reference type holding its `Parameter`s (trainable, with gradients) and `Buffer`s
// (state such as batch-norm running statistics). `forward(_:mode:)` in `.training` mode caches, in
// stored properties of the layer, exactly what `backward(_:)` needs (inputs, masks, statistics);
// `backward` consumes that cache, ADDS parameter gradients into `Parameter.gradient`
// (as PyTorch accumulates `.grad`) and returns the gradient with respect to the input. Call
// `zeroGradients()` before each step. `.inference` mode caches nothing, so one layer can serve
// many concurrent callers only if they do not train.
//
// Names follow PyTorch's `state_dict()`: a composite layer prefixes its children's names with the
// child's attribute name and a dot (`layer1.0.conv1.weight`), so checkpoints map one to one.

/// Whether a forward pass trains (batch statistics, dropout, caches for backward) or infers.
public enum Mode: Sendable {
    case training
    case inference
}

/// A differentiable module with named parameters and buffers.
public protocol Layer: AnyObject {
    /// Computes the output; in `.training` mode also caches what `backward` needs.
    func forward(_ input: Tensor, mode: Mode) -> Tensor
    /// Given dLoss/dOutput of the last training-mode forward, accumulates parameter gradients and
    /// returns dLoss/dInput. Calling it without a preceding training forward is a programming error.
    func backward(_ outputGradient: Tensor) -> Tensor
    /// Trainable tensors with their `state_dict` names, in registration order.
    var namedParameters: [(name: String, parameter: Parameter)] { get }
    /// Non-trainable state (e.g. `running_mean`) with their `state_dict` names.
    var namedBuffers: [(name: String, buffer: Buffer)] { get }
}

extension Layer {
    public var namedBuffers: [(name: String, buffer: Buffer)] { [] }

    /// All trainable parameters, in registration order (what optimizers take).
    public var parameters: [Parameter] { namedParameters.map(\.parameter) }

    /// Resets every parameter gradient to zero.
    public func zeroGradients() {
        for (_, parameter) in namedParameters { parameter.zeroGradient() }
    }

    /// Parameters and buffers by name, as PyTorch's `state_dict()` (without `num_batches_tracked`).
    public func stateDictionary() -> [String: Tensor] {
        var result: [String: Tensor] = [:]
        for (name, parameter) in namedParameters { result[name] = parameter.value }
        for (name, buffer) in namedBuffers { result[name] = buffer.value }
        return result
    }
}

/// Prefixes child parameter names with `prefix.` — how composite layers build `state_dict` names.
public func prefixed(_ prefix: String, _ items: [(name: String, parameter: Parameter)]) -> [(name: String, parameter: Parameter)] {
    items.map { (name: "\(prefix).\($0.name)", parameter: $0.parameter) }
}

/// Prefixes child buffer names with `prefix.`.
public func prefixed(_ prefix: String, _ items: [(name: String, buffer: Buffer)]) -> [(name: String, buffer: Buffer)] {
    items.map { (name: "\(prefix).\($0.name)", buffer: $0.buffer) }
}
