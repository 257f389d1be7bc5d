import Tensor

/// Checks the values of loaded weights before a model uses them.
///
/// A single NaN or infinity in a checkpoint (or a negative BatchNorm running variance, whose
/// square root is NaN) turns every output of the model into NaN without any other symptom, so
/// loaders refuse such files. `StateDictionary` runs this on every tensor it loads; any other
/// loader (a memory-mapped one, say) calls `check(_:named:file:)` per tensor.
public enum WeightValueCheck {
    /// Throws when `tensor` holds a non-finite value, or when it is a BatchNorm running variance
    /// (`…running_var`) with a negative entry.
    /// - Throws: `WeightValueError` naming `file`, the tensor, and the first offending element.
    public static func check(_ tensor: Tensor, named name: String, file: String) throws {
        try check(tensor.storage, named: name, file: file)
    }

    /// `check(_:named:file:)` for raw values.
    public static func check(_ values: [Float], named name: String, file: String) throws {
        let isVariance = isRunningVariance(name)
        guard let index = values.firstIndex(where: { !$0.isFinite || (isVariance && $0 < 0) }) else { return }
        let value = values[index]
        if value.isFinite {
            throw WeightValueError.negativeVariance(file: file, tensor: name, index: index, value: value)
        }
        throw WeightValueError.nonFinite(file: file, tensor: name, index: index, value: value)
    }

    /// Whether `name` is a BatchNorm running variance in PyTorch's naming.
    public static func isRunningVariance(_ name: String) -> Bool {
        name == "running_var" || name.hasSuffix(".running_var")
    }
}

/// A weight file holds values no model can use.
public enum WeightValueError: Error, CustomStringConvertible, Equatable, Sendable {
    /// Element `index` (row-major) of `tensor` is NaN or infinite.
    case nonFinite(file: String, tensor: String, index: Int, value: Float)
    /// Element `index` of a BatchNorm running variance is negative.
    case negativeVariance(file: String, tensor: String, index: Int, value: Float)

    /// One line: the file, the tensor and the value.
    public var description: String {
        switch self {
        case let .nonFinite(file, tensor, index, value):
            return "\(file): tensor '\(tensor)' holds \(value) at element \(index); weights must be finite"
        case let .negativeVariance(file, tensor, index, value):
            return "\(file): BatchNorm running variance '\(tensor)' is negative (\(value)) at element \(index)"
        }
    }

    public static func == (lhs: WeightValueError, rhs: WeightValueError) -> Bool {
        // NaN != NaN, so compare the printed form, which carries every field.
        lhs.description == rhs.description
    }
}
