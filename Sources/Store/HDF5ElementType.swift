import CHDF5

/// The element type of a dataset or attribute as stored in the file.
///
/// Readers use it to accept equivalent layouts (CLAM writes int32 coordinates, SlideMIL int64) and
/// to reject the rest with a clear message.
public enum HDF5ElementType: Equatable, Sendable, CustomStringConvertible {
    case signedInteger(bits: Int)
    case unsignedInteger(bits: Int)
    case float(bits: Int)
    case string
    /// Any other HDF5 class (compound, enum, reference, ...), by its class name.
    case other(String)

    /// NumPy-style name, e.g. `int32`, `float32`.
    public var description: String {
        switch self {
        case let .signedInteger(bits): return "int\(bits)"
        case let .unsignedInteger(bits): return "uint\(bits)"
        case let .float(bits): return "float\(bits)"
        case .string: return "string"
        case let .other(name): return name
        }
    }

    /// Whether values of this type convert to integers without loss of meaning.
    public var isInteger: Bool {
        switch self {
        case .signedInteger, .unsignedInteger: return true
        default: return false
        }
    }

    /// Classifies an HDF5 datatype id.
    init(typeID: hid_t) {
        let bits = Int(H5Tget_size(typeID)) * 8
        switch H5Tget_class(typeID) {
        case H5T_INTEGER:
            self = H5Tget_sign(typeID) == H5T_SGN_NONE ? .unsignedInteger(bits: bits) : .signedInteger(bits: bits)
        case H5T_FLOAT: self = .float(bits: bits)
        case H5T_STRING: self = .string
        case H5T_ENUM: self = .other("enum")
        case H5T_COMPOUND: self = .other("compound")
        default: self = .other("class \(H5Tget_class(typeID).rawValue)")
        }
    }
}

/// A Swift scalar that maps onto an HDF5 native type; HDF5 converts between stored and memory
/// types on read, so any numeric dataset can be read as any `HDF5Element`.
public protocol HDF5Element: Numeric, Sendable, BitwiseCopyable {
    /// The HDF5 native type id matching this Swift type's memory layout.
    static var nativeType: hid_t { get }
}

extension Int64: HDF5Element {
    public static var nativeType: hid_t { slidemil_h5t_native_int64() }
}

extension Int32: HDF5Element {
    public static var nativeType: hid_t { slidemil_h5t_native_int32() }
}

extension Float: HDF5Element {
    public static var nativeType: hid_t { slidemil_h5t_native_float() }
}

extension Double: HDF5Element {
    public static var nativeType: hid_t { slidemil_h5t_native_double() }
}
