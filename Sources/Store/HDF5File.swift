import CHDF5
import Foundation

/// An open HDF5 file.
///
/// Closing is explicit (`close()`) and also happens in `deinit`; closing is "strong", so every
/// dataset opened from this file is closed with it and the bytes are on disk when `close()`
/// returns — required before `AtomicFile` syncs and renames the file. Datasets keep their file
/// alive, so a file is never closed under a dataset that is still in use unless `close()` is called
/// explicitly. All methods are serialised through the process-wide HDF5 lock, which is what
/// makes sharing a file between threads safe (`@unchecked Sendable`).
public final class HDF5File: @unchecked Sendable {
    /// How an existing file is opened.
    public enum Mode: Sendable {
        case readOnly
        case readWrite
    }

    /// The file's location.
    public let url: URL
    private(set) var id: hid_t

    private init(url: URL, id: hid_t) {
        self.url = url
        self.id = id
    }

    /// Creates (or truncates) an HDF5 file at `url`. Outputs of a run should be created at a path
    /// from `AtomicFile` (as `PatchFile` and `FeatureFileWriter` do), never at their final name.
    /// - Throws: `StoreError.cannotOpen` when the file cannot be created.
    public static func create(at url: URL) throws -> HDF5File {
        try HDF5Library.serialized {
            let access = strongCloseAccessList()
            defer { H5Pclose(access) }
            let id = H5Fcreate(url.path, slidemil_h5f_acc_trunc(), slidemil_h5p_default(), access)
            guard id >= 0 else {
                if let reason = HDF5Library.systemErrorMessage() { throw StoreError.writeFailed(path: url.path, reason: reason) }
                throw StoreError.cannotOpen(path: url.path, reason: "cannot create an HDF5 file there")
            }
            return HDF5File(url: url, id: id)
        }
    }

    /// Creates an empty HDF5 file in memory only (HDF5's "core" driver without backing store),
    /// for small outputs such as patch and attention files: HDF5 never touches the disk, and
    /// `closeReturningImage()` hands back the bytes for `AtomicFile` to write with every system
    /// call checked. `url` is the file's eventual location, used in error messages.
    /// - Throws: `StoreError.hdf5` when HDF5 cannot set the file up.
    public static func createInMemory(for url: URL) throws -> HDF5File {
        try HDF5Library.serialized {
            let access = strongCloseAccessList()
            defer { H5Pclose(access) }
            guard H5Pset_fapl_core(access, 64 * 1024, false) >= 0 else {
                throw StoreError.hdf5(path: url.path, object: "/", operation: "set up an in-memory file for")
            }
            // The core driver identifies open files by name; a random one keeps concurrent writers apart.
            let name = "slidemil-memory-\(UInt64.random(in: 0...UInt64.max))"
            let id = H5Fcreate(name, slidemil_h5f_acc_trunc(), slidemil_h5p_default(), access)
            guard id >= 0 else { throw StoreError.hdf5(path: url.path, object: "/", operation: "create an in-memory file for") }
            return HDF5File(url: url, id: id)
        }
    }

    /// Builds a small HDF5 file in memory with `body`, then writes it atomically to `url`
    /// (`AtomicFile.write`, every system call checked). Nothing is written when `body` throws.
    /// - Throws: whatever `body` throws; `StoreError.writeFailed` with the system's reason when the
    ///   bytes cannot be written (e.g. "No space left on device").
    public static func writeAtomically(to url: URL, _ body: (HDF5File) throws -> Void) throws {
        let file = try createInMemory(for: url)
        do {
            try body(file)
        } catch {
            file.close()
            throw error
        }
        try AtomicFile.write(try file.closeReturningImage(), to: url)
    }

    /// Opens an existing HDF5 file.
    /// - Throws: `StoreError.cannotOpen` when the file is missing or not HDF5.
    public static func open(_ url: URL, mode: Mode = .readOnly) throws -> HDF5File {
        try HDF5Library.serialized {
            guard FileManager.default.fileExists(atPath: url.path) else {
                throw StoreError.cannotOpen(path: url.path, reason: "no such file")
            }
            guard H5Fis_hdf5(url.path) > 0 else {
                throw StoreError.cannotOpen(path: url.path, reason: "not an HDF5 file")
            }
            let access = strongCloseAccessList()
            defer { H5Pclose(access) }
            let flags = mode == .readOnly ? slidemil_h5f_acc_rdonly() : slidemil_h5f_acc_rdwr()
            let id = H5Fopen(url.path, flags, access)
            guard id >= 0 else { throw StoreError.cannotOpen(path: url.path, reason: "HDF5 refused to open it") }
            return HDF5File(url: url, id: id)
        }
    }

    deinit { close() }

    /// Whether `close()` has not been called yet.
    public var isOpen: Bool { HDF5Library.serialized { id >= 0 } }

    /// Closes the file and every object opened from it, ignoring failures: for files that were
    /// only read, or whose contents are being abandoned. Files that were written are finished
    /// with `flushAndClose()`, which reports failures. Calling it twice is harmless.
    public func close() {
        HDF5Library.serialized {
            guard id >= 0 else { return }
            // A file whose flush failed (a full disk) is forgotten, not closed: HDF5 1.10 crashes in
            // `H5D_close` closing it. Its handle and cache stay allocated until the process ends;
            // `AtomicFile.abandon` truncates the file, so the disk space comes back all the same.
            if H5Fflush(id, H5F_SCOPE_GLOBAL) >= 0 { H5Fclose(id) }
            id = -1
        }
    }

    /// Writes every buffered byte to disk and closes the file, reporting the first failure.
    ///
    /// HDF5 caches chunks and metadata, so a full disk often shows only here. After a failure the
    /// file object is unusable and the file must not be committed (remove it).
    /// - Throws: `StoreError.writeFailed` with the system's reason ("No space left on device")
    ///   when the operating system refused a write, `StoreError.hdf5` otherwise.
    public func flushAndClose() throws {
        try HDF5Library.serialized {
            guard id >= 0 else { throw StoreError.hdf5(path: url.path, object: "/", operation: "close an already closed file") }
            defer { id = -1 }
            guard H5Fflush(id, H5F_SCOPE_GLOBAL) >= 0 else {
                // Not closed: see `close()`.
                throw HDF5Library.writeFailure(path: url.path, object: "/", operation: "flush")
            }
            guard H5Fclose(id) >= 0 else {
                throw HDF5Library.writeFailure(path: url.path, object: "/", operation: "close")
            }
        }
    }

    /// For a file from `createInMemory(for:)`: flushes it, returns its bytes (a complete HDF5
    /// file) and closes it.
    /// - Throws: `StoreError.hdf5` when HDF5 cannot produce the image.
    public func closeReturningImage() throws -> Data {
        try HDF5Library.serialized {
            guard id >= 0 else { throw StoreError.hdf5(path: url.path, object: "/", operation: "read the image of a closed file") }
            defer {
                H5Fclose(id)
                id = -1
            }
            guard H5Fflush(id, H5F_SCOPE_GLOBAL) >= 0 else {
                throw StoreError.hdf5(path: url.path, object: "/", operation: "flush the in-memory file")
            }
            let size = H5Fget_file_image(id, nil, 0)
            guard size > 0 else { throw StoreError.hdf5(path: url.path, object: "/", operation: "measure the image of") }
            var image = Data(count: size)
            let copied = image.withUnsafeMutableBytes { H5Fget_file_image(id, $0.baseAddress, size) }
            guard copied == size else { throw StoreError.hdf5(path: url.path, object: "/", operation: "copy the image of") }
            return image
        }
    }

    /// Whether a dataset (or any link) named `name` exists; `name` may be a path such as `"a/b"`.
    public func contains(_ name: String) -> Bool {
        HDF5Library.serialized { id >= 0 && H5Lexists(id, name, slidemil_h5p_default()) > 0 }
    }

    /// Creates the group `name` (its parent must exist), so datasets can be created as `"name/x"`.
    /// - Throws: `StoreError.hdf5` when it exists already or the parent is missing.
    public func createGroup(_ name: String) throws {
        try HDF5Library.serialized {
            try requireOpen(name)
            let group = H5Gcreate2(id, name, slidemil_h5p_default(), slidemil_h5p_default(), slidemil_h5p_default())
            guard group >= 0 else { throw HDF5Library.writeFailure(path: url.path, object: name, operation: "create group") }
            guard H5Gclose(group) >= 0 else { throw HDF5Library.writeFailure(path: url.path, object: name, operation: "close group") }
        }
    }

    /// Opens the dataset `name`.
    /// - Throws: `StoreError.missingDataset` when there is none.
    public func dataset(_ name: String) throws -> HDF5Dataset {
        try HDF5Library.serialized {
            try requireOpen(name)
            guard contains(name) else { throw StoreError.missingDataset(path: url.path, dataset: name) }
            let datasetID = H5Dopen2(id, name, slidemil_h5p_default())
            guard datasetID >= 0 else { throw StoreError.hdf5(path: url.path, object: name, operation: "open dataset") }
            return HDF5Dataset(file: self, name: name, id: datasetID)
        }
    }

    /// Creates a dataset of `Element` values with the given shape (rank 1 or 2).
    ///
    /// - Parameters:
    ///   - shape: initial extent; the first dimension may be 0 for an extendable dataset.
    ///   - extendable: when `true` the first dimension is unlimited (maxshape `(None, ...)`) and the
    ///     dataset is chunked so rows can be appended batch by batch.
    ///   - chunkRows: rows per chunk for extendable datasets (default 4096, at least 1); chunks
    ///     span the full width of the other dimension.
    /// - Throws: `StoreError.unexpectedLayout` for a bad rank, `StoreError.hdf5` otherwise.
    public func createDataset<Element: HDF5Element>(
        _ name: String, of type: Element.Type, shape: [Int], extendable: Bool = false, chunkRows: Int = 4096
    ) throws -> HDF5Dataset {
        try HDF5Library.serialized {
            try requireOpen(name)
            guard (1...2).contains(shape.count), shape.allSatisfy({ $0 >= 0 }) else {
                throw StoreError.unexpectedLayout(path: url.path, object: name, problem: "cannot be created with shape \(shape)")
            }
            var dims = shape.map { hsize_t($0) }
            var maxDims = dims
            if extendable { maxDims[0] = slidemil_h5s_unlimited() }
            let space = H5Screate_simple(Int32(dims.count), &dims, &maxDims)
            guard space >= 0 else { throw StoreError.hdf5(path: url.path, object: name, operation: "create the dataspace of") }
            defer { H5Sclose(space) }
            let properties = H5Pcreate(slidemil_h5p_dataset_create())
            guard properties >= 0 else { throw StoreError.hdf5(path: url.path, object: name, operation: "create the properties of") }
            defer { H5Pclose(properties) }
            if extendable {
                var chunk = dims.map { max($0, 1) }
                chunk[0] = hsize_t(max(chunkRows, 1))
                guard H5Pset_chunk(properties, Int32(chunk.count), &chunk) >= 0 else {
                    throw StoreError.hdf5(path: url.path, object: name, operation: "set the chunk shape of")
                }
            }
            let datasetID = H5Dcreate2(id, name, Element.nativeType, space, slidemil_h5p_default(), properties, slidemil_h5p_default())
            guard datasetID >= 0 else { throw HDF5Library.writeFailure(path: url.path, object: name, operation: "create dataset") }
            return HDF5Dataset(file: self, name: name, id: datasetID)
        }
    }

    /// Creates a fixed-size dataset holding `values` laid out row-major in `shape`.
    /// - Precondition: `values.count` equals the product of `shape`.
    @discardableResult
    public func createDataset<Element: HDF5Element>(_ name: String, values: [Element], shape: [Int]) throws -> HDF5Dataset {
        precondition(values.count == shape.reduce(1, *), "\(values.count) values for shape \(shape)")
        let dataset = try createDataset(name, of: Element.self, shape: shape)
        try dataset.write(values)
        return dataset
    }

    /// The attributes of the root group (where file-wide metadata lives).
    public var attributes: HDF5AttributeSet {
        HDF5AttributeSet(owner: self, path: url.path, objectName: "/") { [unowned self] in self.id }
    }

    func requireOpen(_ object: String) throws {
        guard id >= 0 else { throw StoreError.hdf5(path: url.path, object: object, operation: "use a closed file for") }
    }

    private static func strongCloseAccessList() -> hid_t {
        let access = H5Pcreate(slidemil_h5p_file_access())
        // Cannot fail for a fresh file-access list; a failure would surface when the list is used.
        H5Pset_fclose_degree(access, H5F_CLOSE_STRONG)
        return access
    }
}
