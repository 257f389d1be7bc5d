import Foundation

/// A patch-coordinates file (`patches/<slide_id>.h5`): dataset `coords`, int64 `(N, 2)`, level-0
/// top-left `(x, y)` of every kept patch, with the tiling described in attributes on `coords`.
///
/// Written compatibly with CLAM's `create_patches_fp.py` and TRIDENT (both attribute sets), and
/// read from files of all three tools. CLAM writes chunks of one row (it appends contour by
/// contour); here chunks are `(min(N, 4096), 2)` — readers do not care about chunking, and
/// one-row chunks cost dearly: for 100 000 patches, 6.3 MB and 1.7 s to read with h5py, against
/// 1.6 MB and 1 ms with 4096-row chunks. The first dimension
/// stays unlimited (`maxshape (None, 2)`) as in CLAM, so the file can still be appended to.
public struct PatchFile: Equatable, Sendable {
    /// How the slide was tiled.
    public var metadata: PatchFileMetadata
    /// Level-0 top-left corners, in file order (feature files keep the same order).
    public var coordinates: [PatchCoordinate]

    /// A patch file's contents, ready to `write(to:)`.
    public init(metadata: PatchFileMetadata, coordinates: [PatchCoordinate]) {
        self.metadata = metadata
        self.coordinates = coordinates
    }

    /// Rows per chunk of the `coords` dataset.
    static let maximumChunkRows = 4096

    /// Writes the file atomically (built in memory, then temporary sibling, fsync, rename).
    /// - Throws: `StoreError` naming `url`; `StoreError.writeFailed` with the system's reason
    ///   (e.g. "No space left on device"), leaving no file behind.
    public func write(to url: URL) throws {
        try HDF5File.writeAtomically(to: url) { file in
            let coords = try file.createDataset(
                "coords", of: Int64.self, shape: [0, 2], extendable: true,
                chunkRows: min(max(coordinates.count, 1), Self.maximumChunkRows))
            try coords.append(rows: PatchCoordinate.flatten(coordinates))
            try Self.writeAttributes(metadata, to: coords.attributes)
        }
    }

    /// Reads a SlideMIL, CLAM or TRIDENT patch file.
    /// - Throws: `StoreError.missingDataset` without `coords`, `StoreError.missingAttribute` when the
    ///   patch size (or, for CLAM files above level 0, the downsample) cannot be found.
    public static func read(from url: URL) throws -> PatchFile {
        let file = try HDF5File.open(url)
        defer { file.close() }
        let coordinates = try PatchCoordinate.read(from: file)
        let metadata = try readMetadata(try file.dataset("coords").attributes, path: url.path)
        return PatchFile(metadata: metadata, coordinates: coordinates)
    }

    static func writeAttributes(_ metadata: PatchFileMetadata, to attributes: HDF5AttributeSet) throws {
        let level = [Int64(metadata.levelSize.width), Int64(metadata.levelSize.height)]
        // CLAM
        try attributes.set("patch_size", .integer(Int64(metadata.patchSize)))
        try attributes.set("patch_level", .integer(Int64(metadata.patchLevel)))
        try attributes.set("downsample", .reals([metadata.downsample.x, metadata.downsample.y]))
        try attributes.set("downsampled_level_dim", .integers(level))
        try attributes.set("level_dim", .integers(level))
        try attributes.set("name", .string(metadata.slideID))
        try attributes.set("save_path", .string(metadata.saveFolder))
        // TRIDENT
        try attributes.set("patch_size_level0", .integer(Int64(metadata.patchSizeLevel0)))
        if let power = metadata.level0Magnification { try attributes.set("level0_magnification", magnification(power)) }
        if let power = metadata.targetMagnification { try attributes.set("target_magnification", magnification(power)) }
        try attributes.set("overlap", .integer(Int64(metadata.overlap)))
        try attributes.set("savetodir", .string(metadata.saveFolder))
        if let size = metadata.level0Size {
            try attributes.set("level0_width", .integer(Int64(size.width)))
            try attributes.set("level0_height", .integer(Int64(size.height)))
        }
        // SlideMIL
        if let mpp = metadata.mpp { try attributes.set("mpp", .real(mpp)) }
        if let mpp = metadata.targetMPP { try attributes.set("target_mpp", .real(mpp)) }
        if let threshold = metadata.tissueThreshold { try attributes.set("tissue_threshold", .real(threshold)) }
        if let size = metadata.targetTileSize { try attributes.set("target_tile_size", .integer(Int64(size))) }
        if let segmentation = metadata.segmentation { try attributes.set("segmentation", .string(segmentation)) }
        try attributes.set("slidemil_version", .string(metadata.producerVersion ?? "unknown"))
        if let hash = metadata.configHash { try attributes.set("config_hash", .string(hash)) }
        try metadata.reading?.write(to: attributes)
    }

    /// TRIDENT does integer arithmetic on magnifications, so whole powers are stored as integers.
    private static func magnification(_ power: Double) -> HDF5AttributeValue {
        power.rounded() == power ? .integer(Int64(power)) : .real(power)
    }

    static func readMetadata(_ attributes: HDF5AttributeSet, path: String) throws -> PatchFileMetadata {
        func required(_ name: String) throws -> HDF5AttributeValue {
            guard let value = attributes[name] else {
                throw StoreError.missingAttribute(path: path, object: "coords", attribute: name)
            }
            return value
        }
        let layout: FileLayout = attributes.contains("slidemil_version") ? .slideMIL
            : attributes.contains("patch_size_level0") || attributes.contains("level0_magnification") ? .trident : .clam
        guard let patchSize = try required("patch_size").integerValue else {
            throw StoreError.unexpectedLayout(path: path, object: "coords@patch_size", problem: "is not an integer")
        }
        let patchLevel = Int(attributes["patch_level"]?.integerValue ?? 0)
        let level0Magnification = attributes["level0_magnification"]?.realValue
        let targetMagnification = attributes["target_magnification"]?.realValue
        let customDownsample = attributes["custom_downsample"]?.realValue ?? 1

        var downsample: (x: Double, y: Double)
        if let pair = attributes["downsample"]?.realValues, pair.count == 2 {
            downsample = (pair[0], pair[1])
        } else if let level0Magnification, let targetMagnification, targetMagnification > 0 {
            let factor = level0Magnification / targetMagnification
            downsample = (factor, factor)
        } else if patchLevel == 0 {
            downsample = (customDownsample, customDownsample)
        } else {
            throw StoreError.missingAttribute(path: path, object: "coords", attribute: "downsample")
        }
        // Damaged or hand-made files: keep every later conversion to Int in range.
        guard (1...(1 << 20)).contains(patchSize) else {
            throw StoreError.unexpectedLayout(path: path, object: "coords@patch_size", problem: "is \(patchSize); expected 1 to \(1 << 20)")
        }
        guard [downsample.x, downsample.y].allSatisfy({ $0.isFinite && $0 > 0 && $0 < 1e6 }) else {
            throw StoreError.unexpectedLayout(path: path, object: "coords@downsample",
                                              problem: "is (\(downsample.x), \(downsample.y)); it must be positive and finite")
        }
        let footprint = attributes["patch_size_level0"]?.integerValue.map(Int.init)
            ?? Int((Double(patchSize) * downsample.x).rounded())

        let levelDimensions = (attributes["level_dim"] ?? attributes["downsampled_level_dim"])?.integerValues
        var level0Size: (width: Int, height: Int)?
        if let width = attributes["level0_width"]?.integerValue, let height = attributes["level0_height"]?.integerValue {
            level0Size = (Int(width), Int(height))
        }
        let levelSize: (width: Int, height: Int)
        if let levelDimensions, levelDimensions.count == 2 {
            levelSize = (Int(levelDimensions[0]), Int(levelDimensions[1]))
        } else if let level0Size {
            levelSize = (Int((Double(level0Size.width) / downsample.x).rounded(.down)),
                         Int((Double(level0Size.height) / downsample.y).rounded(.down)))
        } else {
            levelSize = (0, 0)
        }
        var metadata = PatchFileMetadata(
            slideID: attributes["name"]?.stringValue ?? "",
            patchSize: Int(patchSize), patchLevel: patchLevel, downsample: downsample, levelSize: levelSize,
            patchSizeLevel0: footprint, level0Size: level0Size,
            level0Magnification: level0Magnification, targetMagnification: targetMagnification,
            overlap: Int(attributes["overlap"]?.integerValue ?? 0),
            saveFolder: attributes["save_path"]?.stringValue ?? attributes["savetodir"]?.stringValue ?? "",
            mpp: attributes["mpp"]?.realValue, targetMPP: attributes["target_mpp"]?.realValue,
            tissueThreshold: attributes["tissue_threshold"]?.realValue,
            targetTileSize: attributes["target_tile_size"]?.integerValue.map(Int.init),
            segmentation: attributes["segmentation"]?.stringValue,
            producerVersion: attributes["slidemil_version"]?.stringValue,
            configHash: attributes["config_hash"]?.stringValue, layout: layout)
        metadata.reading = TileReadProvenance.read(from: attributes)
        return metadata
    }
}
