import Tensor

/// Layers applied in order, as `torch.nn.Sequential`; children are named "0", "1", … in
/// `state_dict` names unless given explicit names.
public final class Sequential: Layer {
    /// The children with their `state_dict` names, in application order.
    public let children: [(name: String, layer: any Layer)]

    /// Children named by position ("0", "1", …), like `nn.Sequential(a, b)`.
    public init(_ layers: [any Layer]) {
        children = layers.enumerated().map { (name: String($0.offset), layer: $0.element) }
    }

    /// Children with explicit names, like `nn.Sequential(OrderedDict(...))`.
    public init(named: [(name: String, layer: any Layer)]) {
        children = named
    }

    public var namedParameters: [(name: String, parameter: Parameter)] {
        children.flatMap { prefixed($0.name, $0.layer.namedParameters) }
    }

    public var namedBuffers: [(name: String, buffer: Buffer)] {
        children.flatMap { prefixed($0.name, $0.layer.namedBuffers) }
    }

    public func forward(_ input: Tensor, mode: Mode) -> Tensor {
        children.reduce(input) { $1.layer.forward($0, mode: mode) }
    }

    public func backward(_ outputGradient: Tensor) -> Tensor {
        children.reversed().reduce(outputGradient) { $1.layer.backward($0) }
    }
}
