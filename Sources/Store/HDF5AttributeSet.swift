import CHDF5

/// The attributes attached to one HDF5 object (the root group or a dataset).
///
/// Keeps its owner (file or dataset) alive; all calls go through the HDF5 lock.
public struct HDF5AttributeSet {
    private let owner: AnyObject
    private let path: String
    private let objectName: String
    private let objectID: () -> hid_t

    init(owner: AnyObject, path: String, objectName: String, objectID: @escaping () -> hid_t) {
        self.owner = owner
        self.path = path
        self.objectName = objectName
        self.objectID = objectID
    }

    /// Names of all attributes, in alphabetical (byte) order.
    public var names: [String] {
        HDF5Library.serialized {
            let id = objectID()
            guard id >= 0 else { return [] }
            var info = H5O_info_t()
            guard H5Oget_info2(id, &info, UInt32(H5O_INFO_NUM_ATTRS)) >= 0 else { return [] }
            return (0..<info.num_attrs).compactMap { index in
                let attribute = H5Aopen_by_idx(id, ".", H5_INDEX_NAME, H5_ITER_INC, index,
                                               slidemil_h5p_default(), slidemil_h5p_default())
                guard attribute >= 0 else { return nil }
                defer { H5Aclose(attribute) }
                let length = H5Aget_name(attribute, 0, nil)
                guard length >= 0 else { return nil }
                var buffer = [CChar](repeating: 0, count: length + 1)
                H5Aget_name(attribute, buffer.count, &buffer)
                return String(cString: buffer)
            }
        }
    }

    /// Whether an attribute called `name` exists.
    public func contains(_ name: String) -> Bool {
        HDF5Library.serialized {
            let id = objectID()
            return id >= 0 && H5Aexists(id, name) > 0
        }
    }

    /// The attribute `name`, or `nil` when it is absent or of a kind this layer does not read.
    public subscript(name: String) -> HDF5AttributeValue? {
        try? value(name)
    }

    /// Reads the attribute `name`.
    /// - Throws: `StoreError.missingAttribute`, or `StoreError.unexpectedLayout` for compound, enum
    ///   or multi-dimensional attributes.
    public func value(_ name: String) throws -> HDF5AttributeValue {
        try HDF5Library.serialized {
            let id = objectID()
            guard id >= 0, H5Aexists(id, name) > 0 else {
                throw StoreError.missingAttribute(path: path, object: objectName, attribute: name)
            }
            let attribute = H5Aopen(id, name, slidemil_h5p_default())
            guard attribute >= 0 else { throw failure("open attribute", name) }
            defer { H5Aclose(attribute) }
            let space = H5Aget_space(attribute)
            defer { H5Sclose(space) }
            let fileType = H5Aget_type(attribute)
            defer { H5Tclose(fileType) }
            let isScalar = H5Sget_simple_extent_type(space) == H5S_SCALAR
            let rank = H5Sget_simple_extent_ndims(space)
            guard isScalar || rank == 1 else {
                throw StoreError.unexpectedLayout(path: path, object: "\(objectName)@\(name)", problem: "has rank \(rank); only scalars and 1-D attributes are read")
            }
            let count = Int(H5Sget_simple_extent_npoints(space))
            // Attributes are small metadata; a damaged file may claim any count.
            guard (0...(1 << 20)).contains(count) else {
                throw StoreError.unexpectedLayout(path: path, object: "\(objectName)@\(name)", problem: "claims \(count) values")
            }
            switch HDF5ElementType(typeID: fileType) {
            case .signedInteger, .unsignedInteger:
                var values = [Int64](repeating: 0, count: count)
                guard H5Aread(attribute, Int64.nativeType, &values) >= 0 else { throw failure("read attribute", name) }
                return isScalar ? .integer(values[0]) : .integers(values)
            case .float:
                var values = [Double](repeating: 0, count: count)
                guard H5Aread(attribute, Double.nativeType, &values) >= 0 else { throw failure("read attribute", name) }
                return isScalar ? .real(values[0]) : .reals(values)
            case .string:
                let strings = try readStrings(attribute, fileType: fileType, space: space, count: count, name: name)
                guard strings.count == 1 else {
                    throw StoreError.unexpectedLayout(path: path, object: "\(objectName)@\(name)", problem: "holds \(strings.count) strings; expected one")
                }
                return .string(strings[0])
            case let other:
                throw StoreError.unexpectedLayout(path: path, object: "\(objectName)@\(name)", problem: "has type \(other), which is not read")
            }
        }
    }

    /// Creates or replaces the attribute `name`. Strings are written variable-length UTF-8 (what
    /// h5py writes for `str`, and reads back as `str`).
    public func set(_ name: String, _ value: HDF5AttributeValue) throws {
        try HDF5Library.serialized {
            let id = objectID()
            guard id >= 0 else { throw failure("write attribute on a closed object", name) }
            if H5Aexists(id, name) > 0, H5Adelete(id, name) < 0 {
                throw HDF5Library.writeFailure(path: path, object: "\(objectName)@\(name)", operation: "replace attribute")
            }
            switch value {
            case var .integer(scalar): try write(name, id: id, type: Int64.nativeType, count: nil, bytes: &scalar)
            case var .real(scalar): try write(name, id: id, type: Double.nativeType, count: nil, bytes: &scalar)
            case var .integers(values): try write(name, id: id, type: Int64.nativeType, count: values.count, bytes: &values)
            case var .reals(values): try write(name, id: id, type: Double.nativeType, count: values.count, bytes: &values)
            case let .string(text):
                let type = variableLengthStringType()
                defer { H5Tclose(type) }
                try text.withCString { characters in
                    var pointer: UnsafePointer<CChar>? = characters
                    try write(name, id: id, type: type, count: nil, bytes: &pointer)
                }
            }
        }
    }

    // MARK: private

    private func write(_ name: String, id: hid_t, type: hid_t, count: Int?, bytes: UnsafeRawPointer) throws {
        let space: hid_t
        if let count {
            var dims = [hsize_t(count)]
            space = H5Screate_simple(1, &dims, nil)
        } else {
            space = H5Screate(H5S_SCALAR)
        }
        guard space >= 0 else { throw failure("create the dataspace of attribute", name) }
        defer { H5Sclose(space) }
        let attribute = H5Acreate2(id, name, type, space, slidemil_h5p_default(), slidemil_h5p_default())
        guard attribute >= 0 else { throw writeFailure("create attribute", name) }
        guard H5Awrite(attribute, type, bytes) >= 0 else {
            let error = writeFailure("write attribute", name)
            H5Aclose(attribute)
            throw error
        }
        guard H5Aclose(attribute) >= 0 else { throw writeFailure("close attribute", name) }
    }

    private func readStrings(_ attribute: hid_t, fileType: hid_t, space: hid_t, count: Int, name: String) throws -> [String] {
        if H5Tis_variable_str(fileType) > 0 {
            let memoryType = variableLengthStringType()
            defer { H5Tclose(memoryType) }
            var pointers = [UnsafeMutablePointer<CChar>?](repeating: nil, count: count)
            guard H5Aread(attribute, memoryType, &pointers) >= 0 else { throw failure("read attribute", name) }
            let strings = pointers.map { $0.map { String(cString: $0) } ?? "" }
            H5Dvlen_reclaim(memoryType, space, slidemil_h5p_default(), &pointers)
            return strings
        }
        // Fixed-length: read with the file's own type so null-padded strings keep their last byte.
        let memoryType = H5Tcopy(fileType)
        defer { H5Tclose(memoryType) }
        let size = Int(H5Tget_size(fileType))
        guard (1...(1 << 20)).contains(size) else {
            throw StoreError.unexpectedLayout(path: path, object: "\(objectName)@\(name)", problem: "claims strings of \(size) bytes")
        }
        let spacePadded = H5Tget_strpad(fileType) == H5T_STR_SPACEPAD
        var bytes = [UInt8](repeating: 0, count: size * count)
        guard H5Aread(attribute, memoryType, &bytes) >= 0 else { throw failure("read attribute", name) }
        return (0..<count).map { index in
            let slice = bytes[(index * size)..<((index + 1) * size)]
            let end = slice.firstIndex(of: 0) ?? slice.endIndex
            var text = String(decoding: slice[slice.startIndex..<end], as: UTF8.self)
            while spacePadded && text.last == " " { text.removeLast() }
            return text
        }
    }

    private func variableLengthStringType() -> hid_t {
        let type = H5Tcopy(slidemil_h5t_c_s1())
        // H5T_VARIABLE is (size_t)-1; Swift imports size_t as Int, so -1 has the same bits.
        H5Tset_size(type, -1)
        H5Tset_cset(type, H5T_CSET_UTF8)
        return type
    }

    private func writeFailure(_ operation: String, _ name: String) -> StoreError {
        HDF5Library.writeFailure(path: path, object: "\(objectName)@\(name)", operation: operation)
    }

    private func failure(_ operation: String, _ name: String) -> StoreError {
        .hdf5(path: path, object: "\(objectName)@\(name)", operation: operation)
    }
}
