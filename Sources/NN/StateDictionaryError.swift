/// Why a stored state dictionary does not fit a model. Thrown once, listing every problem.
public enum StateDictionaryError: Error, CustomStringConvertible, Equatable, Sendable {
    /// A stored tensor whose shape differs from the model's parameter.
    public struct ShapeMismatch: Equatable, Sendable {
        /// Parameter name.
        public let name: String
        /// Shape the model needs.
        public let expected: [Int]
        /// Shape in the file.
        public let found: [Int]

        /// A mismatch of parameter `name`: the model needs `expected`, the file has `found`.
        public init(name: String, expected: [Int], found: [Int]) {
            self.name = name
            self.expected = expected
            self.found = found
        }
    }

    /// A stored tensor whose dtype cannot be read as `Float` (an integer or F64 tensor).
    public struct DTypeMismatch: Equatable, Sendable {
        /// Parameter name.
        public let name: String
        /// Dtype in the file.
        public let found: SafeTensorsDType

        /// Parameter `name` is stored as `found`.
        public init(name: String, found: SafeTensorsDType) {
            self.name = name
            self.found = found
        }
    }

    /// The file's keys, shapes or dtypes differ from the model's; each list is sorted by name
    /// and at least one is non-empty.
    case mismatch(file: String, missing: [String], unexpected: [String], wrongShapes: [ShapeMismatch], wrongDTypes: [DTypeMismatch])

    /// One line: the file, then the problem.
    public var description: String {
        switch self {
        case let .mismatch(file, missing, unexpected, wrongShapes, wrongDTypes):
            var parts: [String] = []
            if !missing.isEmpty {
                parts.append("missing keys: \(missing.joined(separator: ", "))")
            }
            if !unexpected.isEmpty {
                parts.append("unexpected keys: \(unexpected.joined(separator: ", "))")
            }
            if !wrongShapes.isEmpty {
                parts.append("shape mismatches: " + wrongShapes.map { "\($0.name) has \($0.found), expected \($0.expected)" }.joined(separator: ", "))
            }
            if !wrongDTypes.isEmpty {
                parts.append("dtype mismatches: " + wrongDTypes.map { "\($0.name) is \($0.found.rawValue), expected F32, F16 or BF16" }.joined(separator: ", "))
            }
            return "\(file): state dictionary does not fit the model; " + parts.joined(separator: "; ")
        }
    }
}
