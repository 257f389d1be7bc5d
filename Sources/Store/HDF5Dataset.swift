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
            let storedBytes = Int(clamping: H5Dget_storage_size(id))
            try requireStorage(storedBytes, shape: shape, id: id)
            let count = try Self.elementCount(rows: range.count, shape: shape, elementSize: MemoryLayout<Element>.size,
                                              storedBytes: storedBytes) {
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

    /// For contiguous and compact datasets, which HDF5 reads without checking: the stored bytes
    /// must cover the shape (a damaged header can claim more, and HDF5 then reads past its buffer).
    private func requireStorage(_ storedBytes: Int, shape: [Int], id: hid_t) throws {
        let properties = H5Dget_create_plist(id)
        guard properties >= 0 else { throw StoreError.hdf5(path: path, object: name, operation: "read the layout of") }
        defer { H5Pclose(properties) }
        let layout = H5Pget_layout(properties)
        let type = H5Dget_type(id)
        guard type >= 0 else { throw StoreError.hdf5(path: path, object: name, operation: "get the type of") }
        let typeSize = Int(H5Tget_size(type))
        H5Tclose(type)
        if layout == H5D_CHUNKED {
            try requireWholeChunks(properties, typeSize: typeSize, rank: shape.count, id: id)
            return
        }
        // Contiguous storage not yet allocated (0 bytes) reads as fill values.
        guard layout == H5D_COMPACT || (layout == H5D_CONTIGUOUS && storedBytes > 0) else { return }
        var needed = typeSize
        for extent in shape {
            let (product, overflow) = needed.multipliedReportingOverflow(by: extent)
            needed = overflow ? Int.max : product
        }
        guard storedBytes >= needed else {
            throw StoreError.unexpectedLayout(path: path, object: name,
                                              problem: "has shape \(shape) but stores only \(storedBytes) of \(needed) bytes; is the file damaged?")
        }
    }

    /// For unfiltered chunked datasets (what SlideMIL, CLAM and TRIDENT write): every stored chunk
    /// must hold a whole chunk, or HDF5 copies past its chunk buffer. Checked for the first 64
    /// chunks (HDF5 1.10 finds chunk i by walking the index, so the cost grows with the square),
    /// which covers patch, attention and coordinate datasets of up to 262 144 tiles whole.
    private func requireWholeChunks(_ properties: hid_t, typeSize: Int, rank: Int, id: hid_t) throws {
        guard H5Pget_nfilters(properties) == 0, rank > 0 else { return }
        var chunk = [hsize_t](repeating: 0, count: rank)
        guard H5Pget_chunk(properties, Int32(rank), &chunk) == Int32(rank) else {
            throw StoreError.unexpectedLayout(path: path, object: name, problem: "has an unreadable chunk shape")
        }
        let chunkBytes = chunk.reduce(UInt64(typeSize)) { $0.multipliedReportingOverflow(by: $1).partialValue }
        let space = H5Dget_space(id)
        guard space >= 0 else { throw StoreError.hdf5(path: path, object: name, operation: "get the shape of") }
        defer { H5Sclose(space) }
        var count: hsize_t = 0
        guard H5Dget_num_chunks(id, space, &count) >= 0 else {
            throw StoreError.unexpectedLayout(path: path, object: name, problem: "has an unreadable chunk index")
        }
        for index in 0..<min(count, 64) {
            var size: hsize_t = 0
            guard H5Dget_chunk_info(id, space, index, nil, nil, nil, &size) >= 0, size == chunkBytes else {
                throw StoreError.unexpectedLayout(path: path, object: name,
                                                  problem: "has chunk \(index) of \(size) bytes where \(chunkBytes) are needed; is the file damaged?")
            }
        }
    }

    /// The element count of `rows` rows of a dataset of `shape`, refusing what a damaged file can
    /// claim: counts that overflow, more than half of this machine's memory, or more than 64 times
    /// the bytes the dataset stores (compression of features and coordinates stays far below;
    /// 1 GiB is always allowed).
    static func elementCount(rows: Int, shape: [Int], elementSize: Int, storedBytes: Int,
                             problem: (String) -> StoreError) throws -> Int {
        var count = rows
        for extent in shape.dropFirst() {
            let (product, overflow) = count.multipliedReportingOverflow(by: extent)
            guard !overflow else { throw problem("has shape \(shape), too large to read") }
            count = product
        }
        let (bytes, overflow) = count.multipliedReportingOverflow(by: max(elementSize, 1))
        let memoryLimit = Int(min(ProcessInfo.processInfo.physicalMemory / 2, UInt64(Int.max)))
        let storageLimit = max(1 << 30, storedBytes.multipliedReportingOverflow(by: 64).overflow ? Int.max : storedBytes * 64)
        guard !overflow, bytes <= min(memoryLimit, storageLimit) else {
            throw problem("has shape \(shape) but stores \(storedBytes) bytes; reading \(rows) rows would need far more memory; is the file damaged?")
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
