import CHDF5
import Foundation

/// One numeric dataset of rank 1 or 2 in an open `HDF5File`.
///
/// Rows are along the first dimension. Reads convert from the stored type to the requested
/// `HDF5Element` (int32 coordinates read as `Int64`, float16 features as `Float`, ...).
/// Closed with its file, or in `deinit`. Thread-safe like `HDF5File` (every call takes the HDF5 lock).
public final class HDF5Dataset: @unchecked Sendable {
    /// The dataset's name (path) inside the file.
    public let name: String
    /// The file this dataset belongs to; kept alive as long as the dataset is.
    public let file: HDF5File
    private let ownID: hid_t

    init(file: HDF5File, name: String, id: hid_t) {
        self.file = file
        self.name = name
        self.ownID = id
    }

    deinit {
        HDF5Library.serialized {
            // A strong file close has already closed this dataset.
            if file.isOpen && ownID >= 0 { H5Dclose(ownID) }
        }
    }

    private var path: String { file.url.path }

    private func openID() throws -> hid_t {
        guard file.isOpen, ownID >= 0 else {
            throw StoreError.hdf5(path: path, object: name, operation: "use a closed dataset")
        }
        return ownID
    }

    /// The attributes attached to this dataset.
    public var attributes: HDF5AttributeSet {
        HDF5AttributeSet(owner: self, path: path, objectName: name) { [unowned self] in
            self.file.isOpen ? self.ownID : -1
        }
    }

    /// The current extent, e.g. `[N, 2]` for coordinates.
    public func shape() throws -> [Int] {
        try HDF5Library.serialized {
            let space = H5Dget_space(try openID())
            guard space >= 0 else { throw StoreError.hdf5(path: path, object: name, operation: "get the shape of") }
            defer { H5Sclose(space) }
            let rank = Int(H5Sget_simple_extent_ndims(space))
            var dims = [hsize_t](repeating: 0, count: max(rank, 1))
            H5Sget_simple_extent_dims(space, &dims, nil)
            return rank == 0 ? [] : dims.map { Int($0) }
        }
    }

    /// The element type as stored in the file.
    public func elementType() throws -> HDF5ElementType {
        try HDF5Library.serialized {
            let type = H5Dget_type(try openID())
            guard type >= 0 else { throw StoreError.hdf5(path: path, object: name, operation: "get the type of") }
            defer { H5Tclose(type) }
            return HDF5ElementType(typeID: type)
        }
    }

    /// Reads the whole dataset, row-major, converted to `Element`.
    /// - Complexity: O(number of elements) memory; use `readRows` to stream large datasets.
    public func read<Element: HDF5Element>(as type: Element.Type) throws -> [Element] {
        let shape = try shape()
        return try readRows(0..<(shape.first ?? 1), as: type)
    }

    /// Reads the rows `range` (along the first dimension), row-major, converted to `Element`.
    /// - Throws: `StoreError.unexpectedLayout` when `range` lies outside the dataset.
    public func readRows<Element: HDF5Element>(_ range: Range<Int>, as type: Element.Type) throws -> [Element] {
        try HDF5Library.serialized {
            let id = try openID()
            let shape = try shape()
            let rows = shape.first ?? 1
            guard range.lowerBound >= 0, range.upperBound <= rows else {
                throw StoreError.unexpectedLayout(path: path, object: name, problem: "has \(rows) rows; rows \(range) were requested")
            }
            let count = try Self.elementCount(rows: range.count, shape: shape, elementSize: MemoryLayout<Element>.size) {
                StoreError.unexpectedLayout(path: path, object: name, problem: $0)
            }
            var values = [Element](repeating: 0, count: count)
            if values.isEmpty { return values }
            let status: herr_t
            if shape.isEmpty {
                status = H5Dread(id, Element.nativeType, slidemil_h5s_all(), slidemil_h5s_all(), slidemil_h5p_default(), &values)
            } else {
                let (fileSpace, memorySpace) = try selection(rows: range, shape: shape, id: id)
                defer { H5Sclose(fileSpace); H5Sclose(memorySpace) }
                status = H5Dread(id, Element.nativeType, memorySpace, fileSpace, slidemil_h5p_default(), &values)
            }
            guard status >= 0 else { throw StoreError.hdf5(path: path, object: name, operation: "read rows \(range) of") }
            return values
        }
    }

    /// The element count of `rows` rows of a dataset of `shape`, refusing counts that overflow or
    /// would need more than half of this machine's memory (a damaged file can claim any extent).
    static func elementCount(rows: Int, shape: [Int], elementSize: Int, problem: (String) -> StoreError) throws -> Int {
        var count = rows
        for extent in shape.dropFirst() {
            let (product, overflow) = count.multipliedReportingOverflow(by: extent)
            guard !overflow else { throw problem("has shape \(shape), too large to read") }
            count = product
        }
        let limit = Int(min(ProcessInfo.processInfo.physicalMemory / 2, UInt64(Int.max))) / max(elementSize, 1)
        guard count <= limit else {
            throw problem("has shape \(shape): \(rows) rows need \(count * elementSize) bytes, more than half of this machine's memory; is the file damaged?")
        }
        return count
    }

    /// Overwrites the whole dataset with `values` (row-major; count must match the extent).
    public func write<Element: HDF5Element>(_ values: [Element]) throws {
        try HDF5Library.serialized {
            let id = try openID()
            let shape = try shape()
            let expected = shape.reduce(1, *)
            guard values.count == expected else {
                throw StoreError.unexpectedLayout(path: path, object: name, problem: "has shape \(shape); \(values.count) values were given")
            }
            if values.isEmpty { return }
            guard H5Dwrite(id, Element.nativeType, slidemil_h5s_all(), slidemil_h5s_all(), slidemil_h5p_default(), values) >= 0 else {
                throw HDF5Library.writeFailure(path: path, object: name, operation: "write")
            }
        }
    }

    /// Appends whole rows at the end of an extendable dataset (created with `extendable: true`).
    ///
    /// `values` holds `k` rows row-major, so its count must be a multiple of the row width.
    /// - Complexity: writes only the new rows; memory stays bounded by the batch.
    public func append<Element: HDF5Element>(rows values: [Element]) throws {
        try HDF5Library.serialized {
            let id = try openID()
            var shape = try shape()
            guard !shape.isEmpty else {
                throw StoreError.unexpectedLayout(path: path, object: name, problem: "is a scalar; rows cannot be appended")
            }
            let rowWidth = shape.dropFirst().reduce(1, *)
            guard rowWidth > 0, values.count % rowWidth == 0 else {
                throw StoreError.unexpectedLayout(path: path, object: name, problem: "has rows of \(rowWidth) values; \(values.count) values were given")
            }
            let newRows = values.count / rowWidth
            if newRows == 0 { return }
            let start = shape[0]
            shape[0] += newRows
            var extent = shape.map { hsize_t($0) }
            guard H5Dset_extent(id, &extent) >= 0 else {
                throw HDF5Library.writeFailure(path: path, object: name, operation: "extend (is it extendable?)")
            }
            let (fileSpace, memorySpace) = try selection(rows: start..<(start + newRows), shape: shape, id: id)
            defer { H5Sclose(fileSpace); H5Sclose(memorySpace) }
            guard H5Dwrite(id, Element.nativeType, memorySpace, fileSpace, slidemil_h5p_default(), values) >= 0 else {
                throw HDF5Library.writeFailure(path: path, object: name, operation: "append rows to")
            }
        }
    }

    /// File and memory dataspaces selecting `rows` of a dataset with `shape`.
    private func selection(rows: Range<Int>, shape: [Int], id: hid_t) throws -> (hid_t, hid_t) {
        let fileSpace = H5Dget_space(id)
        var start = [hsize_t](repeating: 0, count: shape.count)
        start[0] = hsize_t(rows.lowerBound)
        var count = shape.map { hsize_t($0) }
        count[0] = hsize_t(rows.count)
        guard fileSpace >= 0,
              H5Sselect_hyperslab(fileSpace, H5S_SELECT_SET, &start, nil, &count, nil) >= 0 else {
            if fileSpace >= 0 { H5Sclose(fileSpace) }
            throw StoreError.hdf5(path: path, object: name, operation: "select rows \(rows) of")
        }
        let memorySpace = H5Screate_simple(Int32(count.count), &count, nil)
        guard memorySpace >= 0 else {
            H5Sclose(fileSpace)
            throw StoreError.hdf5(path: path, object: name, operation: "select rows \(rows) of")
        }
        return (fileSpace, memorySpace)
    }
}
