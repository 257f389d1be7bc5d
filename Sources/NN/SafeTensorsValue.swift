import Tensor

/// A tensor to be written to a safetensors file, with the dtype it is stored as.
public enum SafeTensorsValue: Equatable, Sendable {
    /// Stored as F32, bit-exact.
    case float32(Tensor)
    /// Stored as I64, e.g. BatchNorm's `num_batches_tracked` (shape `[]`) or labels;
    /// `values.count` must equal the product of `shape`.
    case int64(shape: [Int], values: [Int64])

    var dtype: SafeTensorsDType {
        switch self {
        case .float32: return .float32
        case .int64: return .int64
        }
    }

    var shape: [Int] {
        switch self {
        case let .float32(tensor): return tensor.shape
        case let .int64(shape, _): return shape
        }
    }

    /// Number of elements the payload really holds (checked against `shape` before writing).
    var elementCount: Int {
        switch self {
        case let .float32(tensor): return tensor.count
        case let .int64(_, values): return values.count
        }
    }
}
