/// The value of an HDF5 attribute, in the forms CLAM, TRIDENT, h5py and SlideMIL use.
///
/// h5py writes a Python `int` as a scalar int64, a `float` as a scalar float64, a tuple or NumPy
/// array as a 1-D array, and a `str` as a variable-length UTF-8 string; those are the forms
/// written here. Reading accepts any integer width (as `Int64`), any float width (as `Double`)
/// and both fixed- and variable-length strings.
public enum HDF5AttributeValue: Equatable, Sendable {
    case integer(Int64)
    case integers([Int64])
    case real(Double)
    case reals([Double])
    case string(String)

    /// The value as one integer: a scalar integer, a one-element integer array, or a real with no
    /// fractional part (TRIDENT stores magnifications either way).
    public var integerValue: Int64? {
        switch self {
        case let .integer(value): return value
        case let .integers(values) where values.count == 1: return values[0]
        case let .real(value) where value.rounded() == value && abs(value) < 9e18: return Int64(value)
        case let .reals(values) where values.count == 1 && values[0].rounded() == values[0]: return Int64(values[0])
        default: return nil
        }
    }

    /// The value as one real number (integers convert).
    public var realValue: Double? {
        switch self {
        case let .integer(value): return Double(value)
        case let .real(value): return value
        case let .integers(values) where values.count == 1: return Double(values[0])
        case let .reals(values) where values.count == 1: return values[0]
        default: return nil
        }
    }

    /// The value as a list of integers (a scalar becomes a one-element list).
    public var integerValues: [Int64]? {
        switch self {
        case let .integer(value): return [value]
        case let .integers(values): return values
        case let .reals(values) where values.allSatisfy({ $0.rounded() == $0 }): return values.map { Int64($0) }
        default: return nil
        }
    }

    /// The value as a list of reals (integers convert, a scalar becomes a one-element list).
    public var realValues: [Double]? {
        switch self {
        case let .integer(value): return [Double(value)]
        case let .integers(values): return values.map(Double.init)
        case let .real(value): return [value]
        case let .reals(values): return values
        case .string: return nil
        }
    }

    /// The value as text, if it is a string.
    public var stringValue: String? {
        if case let .string(text) = self { return text }
        return nil
    }
}
