/// One tensor's description in a safetensors header: its element type, shape and where its
/// bytes lie in the data section.
public struct SafeTensorsEntry: Equatable, Sendable {
    /// The tensor's name, e.g. `layer1.0.conv1.weight`.
    public let name: String
    /// Element type of the stored bytes.
    public let dtype: SafeTensorsDType
    /// Extent of each dimension, outermost first; `[]` for a scalar.
    public let shape: [Int]
    /// Byte range relative to the start of the data section (the header's `data_offsets`).
    public let byteRange: Range<Int>

    /// Number of elements (1 for a scalar, 0 when any dimension is 0).
    public var elementCount: Int { shape.reduce(1, *) }
}
