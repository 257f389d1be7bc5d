import Foundation

/// Writes a feature file (`features/<slide_id>.h5`) batch by batch in bounded memory.
///
/// Layout: `features` float32 `(N, D)` and `coords` int64 `(N, 2)` in the same row order, both
/// chunked and extendable; provenance attributes on `features` (`FeatureFileMetadata`, plus
/// TRIDENT's `encoder`); and, written last by `finish`, the root attributes `complete = 1` and
/// `tile_count = N`. The file is built under a temporary name and renamed over the target only by
/// `finish`, so a killed run leaves no target; the marker additionally lets `FeatureFile.status`
/// reject files finished by other means without it.
///
/// Not thread-safe by itself: append from one thread (HDF5 calls are serialised anyway).
public final class FeatureFileWriter {
    /// The final location, which exists only after `finish()`.
    public let url: URL
    /// Feature dimension `D`.
    public let dimension: Int
    /// Rows appended so far.
    public private(set) var count = 0

    /// Target size of one `features` chunk.
    static let chunkBytes = 256 * 1024

    private let temporary: URL
    private let requireFinite: Bool
    private var file: HDF5File?
    private let features: HDF5Dataset
    private let coords: HDF5Dataset

    /// Starts a feature file for `D`-dimensional features.
    /// - Parameter chunkRows: rows per HDF5 chunk of `features`; by default about 256 KiB worth
    ///   (64 rows for D = 1024), which stays inside HDF5's 1 MiB chunk cache so a partly filled
    ///   chunk is never re-read. `FeatureFileBenchmarkTests` found 64- and 1024-row chunks equal
    ///   within noise, and CLAM's one-row chunks 4-8 times slower to read.
    ///   - requireFinite: refuse NaN and infinite values (`append` throws `StoreError.nonFinite`
    ///     and the file is discarded). Extraction sets it, so a slide whose features are not finite
    ///     fails instead of being marked done; off, the writer stores any value (e.g. to reproduce
    ///     files made by other tools).
    public init(url: URL, dimension: Int, metadata: FeatureFileMetadata, chunkRows: Int? = nil, requireFinite: Bool = false) throws {
        precondition(dimension > 0, "feature dimension must be positive")
        self.url = url
        self.dimension = dimension
        self.requireFinite = requireFinite
        let scratch = try AtomicFile.begin(url)
        temporary = scratch
        do {
            let file = try Self.reporting(scratch, as: url) { try HDF5File.create(at: scratch) }
            self.file = file
            let rows = chunkRows ?? min(max(Self.chunkBytes / (dimension * MemoryLayout<Float>.size), 16), 4096)
            features = try Self.reporting(scratch, as: url) {
                try file.createDataset("features", of: Float.self, shape: [0, dimension], extendable: true, chunkRows: rows)
            }
            coords = try Self.reporting(scratch, as: url) {
                try file.createDataset("coords", of: Int64.self, shape: [0, 2], extendable: true, chunkRows: 4096)
            }
            try Self.reporting(scratch, as: url) { try metadata.write(to: features.attributes) }
        } catch {
            file?.close()
            AtomicFile.abandon(scratch)
            throw error
        }
    }

    deinit { discard() }

    /// Appends one batch: `features` holds `coordinates.count` rows of `dimension` values, row-major.
    /// - Throws: `StoreError.unexpectedLayout` when the counts disagree; `StoreError.nonFinite`
    ///   for a NaN or infinite value under `requireFinite` (the file is then discarded);
    ///   `StoreError.writeFailed` or `.hdf5` on I/O failure.
    public func append(features batch: [Float], coordinates: [PatchCoordinate]) throws {
        guard file != nil else { throw StoreError.writeFailed(path: url.path, reason: "append after finish or discard") }
        guard batch.count == coordinates.count * dimension else {
            throw StoreError.unexpectedLayout(path: url.path, object: "features",
                                              problem: "needs \(coordinates.count) x \(dimension) values; \(batch.count) were given")
        }
        if requireFinite, let bad = batch.firstIndex(where: { !$0.isFinite }) {
            let row = bad / dimension, corner = coordinates[row]
            discard()
            throw StoreError.nonFinite(path: url.path, object: "features", row: count + row,
                                       detail: "tile at level-0 (\(corner.x), \(corner.y))")
        }
        try Self.reporting(temporary, as: url) {
            try features.append(rows: batch)
            try coords.append(rows: PatchCoordinate.flatten(coordinates))
        }
        count += coordinates.count
    }

    /// Records, before the file is finished, how the tiles were read (overwrites the metadata's
    /// `reading`): the skipped-tile count is known only once every tile has been read.
    public func record(_ reading: TileReadProvenance) throws {
        guard file != nil else { throw StoreError.writeFailed(path: url.path, reason: "record after finish or discard") }
        try reading.write(to: features.attributes)
    }

    /// Adds another dataset (e.g. per-tile attention) before the file is finished.
    public func addDataset<Element: HDF5Element>(_ name: String, values: [Element], shape: [Int]) throws {
        guard let file else { throw StoreError.writeFailed(path: url.path, reason: "add dataset after finish or discard") }
        try Self.reporting(temporary, as: url) { _ = try file.createDataset(name, values: values, shape: shape) }
    }

    /// Writes the completeness marker, closes the file and renames it into place.
    /// - Parameter expectedCount: when given, the number of rows the caller meant to write (the
    ///   patch count); finishing with a different count throws `StoreError.incomplete` and
    ///   leaves no target file.
    public func finish(expectedCount: Int? = nil) throws {
        guard let file else { throw StoreError.writeFailed(path: url.path, reason: "finish called twice") }
        do {
            if let expectedCount, expectedCount != count {
                throw StoreError.incomplete(path: url.path, problem: "\(count) of \(expectedCount) tiles written")
            }
            try Self.reporting(temporary, as: url) {
                try file.attributes.set("tile_count", .integer(Int64(count)))
                try file.attributes.set("complete", .integer(1))
                self.file = nil
                try file.flushAndClose()
            }
            try AtomicFile.commit(temporary, to: url)
        } catch {
            discard()
            throw error
        }
    }

    /// Runs `body`, reporting errors about the temporary file under the target's name, which is
    /// the one the user knows.
    private static func reporting<Result>(_ temporary: URL, as url: URL, _ body: () throws -> Result) throws -> Result {
        do {
            return try body()
        } catch let error as StoreError {
            throw error.replacingPath(temporary.path, with: url.path)
        }
    }

    /// Abandons the file: closes and deletes the temporary copy; the target is untouched.
    /// Called automatically if the writer is released without `finish()`.
    public func discard() {
        file?.close()
        file = nil
        // After a successful `finish` the temporary name no longer exists and this does nothing.
        AtomicFile.abandon(temporary)
    }
}
