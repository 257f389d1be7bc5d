import Foundation

/// Whether a feature file can be trusted by a resumed run.
public enum FeatureFileStatus: Equatable, Sendable {
    /// No file at the path.
    case missing
    /// A file exists but lacks the completeness marker, or its datasets disagree with it.
    case incomplete(reason: String)
    /// A finished SlideMIL feature file with this many tiles.
    case complete(tileCount: Int)
}

/// The contents of a feature file: one bag of tile features for one slide.
///
/// Reads SlideMIL's layout (see `FeatureFileWriter`), CLAM's `extract_features_fp.py` layout
/// (`features` float32 `(N, D)`, `coords` int32 `(N, 2)`, no attributes) and TRIDENT's
/// (`features`, `coords`, an `encoder` attribute).
public struct FeatureFile: Sendable {
    /// Tile features, row-major `count × dimension`.
    public var features: [Float]
    /// Feature dimension `D`.
    public var dimension: Int
    /// Level-0 top-left corners, one per feature row (empty if the file had no `coords`).
    public var coordinates: [PatchCoordinate]
    /// Provenance, when the file records it (SlideMIL, TRIDENT); `nil` for CLAM files.
    public var metadata: FeatureFileMetadata?
    /// Which tool's layout the file follows.
    public var layout: FileLayout

    /// Number of tiles.
    public var count: Int { dimension == 0 ? 0 : features.count / dimension }

    /// Reads a feature file.
    ///
    /// A SlideMIL file must carry the completeness marker; CLAM and TRIDENT files, which have none,
    /// are accepted when `features` is 2-D and `coords` (if present) has as many rows.
    /// - Throws: `StoreError.incomplete` for an unfinished SlideMIL file, `StoreError.unexpectedLayout`
    ///   for inconsistent datasets, `StoreError.missingDataset` without `features`.
    public static func read(from url: URL) throws -> FeatureFile {
        let file = try HDF5File.open(url)
        defer { file.close() }
        let featureSet = try file.dataset("features")
        let shape = try featureSet.shape()
        guard shape.count == 2 else {
            throw StoreError.unexpectedLayout(path: url.path, object: "features", problem: "has shape \(shape); expected (N, D)")
        }
        let isOurs = featureSet.attributes.contains("slidemil_version")
        if isOurs, case let .incomplete(reason) = status(of: file) {
            throw StoreError.incomplete(path: url.path, problem: reason)
        }
        let coordinates = file.contains("coords") ? try PatchCoordinate.read(from: file) : []
        guard coordinates.isEmpty || coordinates.count == shape[0] else {
            throw StoreError.unexpectedLayout(path: url.path, object: "coords",
                                              problem: "has \(coordinates.count) rows but 'features' has \(shape[0])")
        }
        let metadata = FeatureFileMetadata.read(from: featureSet.attributes)
            ?? file.attributes["encoder"]?.stringValue.map { FeatureFileMetadata(backbone: $0) }
        return FeatureFile(
            features: try featureSet.read(as: Float.self), dimension: shape[1], coordinates: coordinates,
            metadata: metadata, layout: isOurs ? .slideMIL : (metadata == nil ? .clam : .trident))
    }

    /// Checks whether the file at `url` is a finished SlideMIL feature file, without reading the
    /// features: the marker `complete = 1` must be present and `tile_count` must equal the rows of
    /// both `features` and `coords`. Unreadable or foreign files are `.incomplete`.
    public static func status(at url: URL) -> FeatureFileStatus {
        guard FileManager.default.fileExists(atPath: url.path) else { return .missing }
        do {
            let file = try HDF5File.open(url)
            defer { file.close() }
            return status(of: file)
        } catch {
            return .incomplete(reason: "\(error)")
        }
    }

    private static func status(of file: HDF5File) -> FeatureFileStatus {
        guard file.attributes["complete"]?.integerValue == 1, let expected = file.attributes["tile_count"]?.integerValue else {
            return .incomplete(reason: "no completeness marker")
        }
        let featureRows = (try? file.dataset("features").shape().first) ?? nil
        let coordRows = (try? file.dataset("coords").shape().first) ?? nil
        guard featureRows == Int(expected), coordRows == Int(expected) else {
            return .incomplete(reason: "marker promises \(expected) tiles; features has \(featureRows.map(String.init) ?? "none"), coords \(coordRows.map(String.init) ?? "none")")
        }
        return .complete(tileCount: Int(expected))
    }

    /// Opens a finished feature file for changes (e.g. to add a per-tile `attention` dataset) and
    /// replaces it atomically: `body` works on a read-write copy, which is renamed over `url` only
    /// if `body` returns normally.
    public static func update(at url: URL, _ body: (HDF5File) throws -> Void) throws {
        try AtomicFile.write(to: url) { temporary in
            do {
                try FileManager.default.copyItem(at: url, to: temporary)
            } catch {
                throw StoreError.writeFailed(path: url.path, reason: "cannot copy for update: \(FileSystemErrorText.reason(error))")
            }
            let file = try HDF5File.open(temporary, mode: .readWrite)
            do {
                try body(file)
            } catch {
                file.close()
                throw error
            }
            try file.flushAndClose()
        }
    }
}
