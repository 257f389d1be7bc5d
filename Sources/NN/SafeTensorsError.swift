/// Why a safetensors file could not be read or written. Every case names the file (its path
/// as given) and, where one is involved, the tensor.
public enum SafeTensorsError: Error, CustomStringConvertible, Equatable, Sendable {
    /// The file could not be opened or read at all.
    case unreadable(file: String, reason: String)
    /// The file ends before the bytes its header promises (`expectedBytes` in total).
    case truncated(file: String, expectedBytes: Int, actualBytes: Int)
    /// The 8-byte header length is larger than any real header (or than the file).
    case absurdHeaderLength(file: String, headerLength: UInt64)
    /// The header is not a JSON object of the expected form.
    case badHeader(file: String, reason: String)
    /// One tensor's header entry is malformed (missing field, negative dimension, byte count
    /// not matching dtype and shape, …).
    case badEntry(file: String, tensor: String, reason: String)
    /// Two tensors claim some of the same bytes.
    case overlappingData(file: String, first: String, second: String)
    /// Bytes of the data section belong to no tensor (a gap, or trailing bytes).
    case uncoveredData(file: String, byteRange: Range<Int>)
    /// A tensor's dtype is not one of the safetensors dtypes, or cannot be decoded here.
    case unsupportedDType(file: String, tensor: String, dtype: String)
    /// The tensor is stored with another dtype than the accessor reads.
    case dtypeMismatch(file: String, tensor: String, expected: String, found: SafeTensorsDType)
    /// The tensor has another shape than the caller expects.
    case shapeMismatch(file: String, tensor: String, expected: [Int], found: [Int])
    /// No tensor of that name is stored.
    case missingTensor(file: String, tensor: String)
    /// A name cannot be written (empty, or the reserved `__metadata__`).
    case invalidName(file: String, tensor: String)
    /// Writing or renaming the file failed.
    case writeFailed(file: String, reason: String)

    /// One line: the file, then the problem.
    public var description: String {
        switch self {
        case let .unreadable(file, reason):
            return "\(file): cannot read safetensors file: \(reason)"
        case let .truncated(file, expected, actual):
            return "\(file): truncated safetensors file: header promises \(expected) bytes, file has \(actual)"
        case let .absurdHeaderLength(file, length):
            return "\(file): not a safetensors file: header length \(length) bytes is absurd"
        case let .badHeader(file, reason):
            return "\(file): bad safetensors header: \(reason)"
        case let .badEntry(file, tensor, reason):
            return "\(file): bad safetensors header entry '\(tensor)': \(reason)"
        case let .overlappingData(file, first, second):
            return "\(file): bad safetensors header: data of '\(first)' and '\(second)' overlap"
        case let .uncoveredData(file, range):
            return "\(file): bad safetensors header: data bytes \(range.lowerBound)..<\(range.upperBound) belong to no tensor"
        case let .unsupportedDType(file, tensor, dtype):
            return "\(file): tensor '\(tensor)' has unsupported dtype \(dtype)"
        case let .dtypeMismatch(file, tensor, expected, found):
            return "\(file): tensor '\(tensor)' is \(found.rawValue), expected \(expected)"
        case let .shapeMismatch(file, tensor, expected, found):
            return "\(file): tensor '\(tensor)' has shape \(found), expected \(expected)"
        case let .missingTensor(file, tensor):
            return "\(file): no tensor named '\(tensor)'"
        case let .invalidName(file, tensor):
            return "\(file): cannot write a tensor named '\(tensor)'"
        case let .writeFailed(file, reason):
            return "\(file): cannot write safetensors file: \(reason)"
        }
    }
}
