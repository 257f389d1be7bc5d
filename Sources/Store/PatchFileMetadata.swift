/// Which tool wrote a patch or feature file, as recognised from its attributes.
public enum FileLayout: String, Sendable, Equatable {
    /// SlideMIL's own layout (carries `slidemil_version`).
    case slideMIL
    /// CLAM's `create_patches_fp.py` / `extract_features_fp.py`.
    case clam
    /// TRIDENT.
    case trident
}

/// How a slide was tiled: the attributes on a patch file's `coords` dataset.
///
/// SlideMIL writes CLAM's and TRIDENT's attribute sets side by side so both tools can read its
/// patch files, plus its own provenance fields. Sizes are in pixels; "level 0" is the slide's
/// full-resolution level.
public struct PatchFileMetadata: Equatable, Sendable {
    /// Slide identifier, usually the file name without extension (`name`).
    public var slideID: String
    /// Patch side in pixels at `patchLevel` (CLAM `patch_size`).
    public var patchSize: Int
    /// Pyramid level the patches are read from (CLAM `patch_level`).
    public var patchLevel: Int
    /// Level-0 pixels per `patchLevel` pixel, horizontally and vertically (CLAM `downsample`).
    public var downsample: (x: Double, y: Double)
    /// Width and height of `patchLevel` in pixels (CLAM `level_dim`, `downsampled_level_dim`).
    public var levelSize: (width: Int, height: Int)
    /// Patch side in level-0 pixels (TRIDENT `patch_size_level0`): the footprint on the slide.
    public var patchSizeLevel0: Int
    /// Width and height of level 0 in pixels (TRIDENT `level0_width`, `level0_height`).
    public var level0Size: (width: Int, height: Int)?
    /// Objective power of level 0, e.g. 40 (TRIDENT `level0_magnification`).
    public var level0Magnification: Double?
    /// Objective power the patches represent, e.g. 20 (TRIDENT `target_magnification`).
    public var targetMagnification: Double?
    /// Overlap between neighbouring patches in `patchLevel` pixels (TRIDENT `overlap`, default 0).
    public var overlap: Int
    /// Folder the file was written to (CLAM `save_path`, TRIDENT `savetodir`); informational.
    public var saveFolder: String
    /// Level-0 micrometres per pixel of the slide (`mpp`), when known.
    public var mpp: Double?
    /// Micrometres per pixel the patches were tiled for (`target_mpp`), when tiling was µm-based.
    public var targetMPP: Double?
    /// Minimum tissue fraction a patch needed to be kept (`tissue_threshold`), 0...1.
    public var tissueThreshold: Double?
    /// Tile side in px at the target resolution, as the tile run was asked for
    /// (`target_tile_size`, SlideMIL's); `patchSize` is the side read at `patchLevel`, which
    /// differs when no level matches the target resolution. Nil in other tools' files.
    public var targetTileSize: Int?
    /// The tile run's tissue segmentation settings as JSON (`segmentation`, SlideMIL's), so a
    /// heatmap masks the tissue that was tiled. Nil in other tools' files.
    public var segmentation: String?
    /// Version of SlideMIL that wrote the file (`slidemil_version`); `nil` for other tools' files.
    public var producerVersion: String?
    /// Hash of the tiling configuration (`config_hash`), so a resumed run can tell whether an
    /// existing file was made with the same settings.
    public var configHash: String?
    /// Who wrote the file; set by the reader, ignored by the writer.
    public var layout: FileLayout
    /// How the tiles were read when tiling read them (`--verify-tiles`, `--export-tiles`).
    public var reading: TileReadProvenance?

    /// Metadata for a new SlideMIL patch file. `patchSizeLevel0` defaults to
    /// `patchSize × downsample.x`, rounded.
    public init(
        slideID: String, patchSize: Int, patchLevel: Int, downsample: (x: Double, y: Double),
        levelSize: (width: Int, height: Int), patchSizeLevel0: Int? = nil,
        level0Size: (width: Int, height: Int)? = nil, level0Magnification: Double? = nil,
        targetMagnification: Double? = nil, overlap: Int = 0, saveFolder: String = "",
        mpp: Double? = nil, targetMPP: Double? = nil, tissueThreshold: Double? = nil,
        targetTileSize: Int? = nil, segmentation: String? = nil, producerVersion: String? = nil, configHash: String? = nil, layout: FileLayout = .slideMIL
    ) {
        self.slideID = slideID
        self.patchSize = patchSize
        self.patchLevel = patchLevel
        self.downsample = downsample
        self.levelSize = levelSize
        self.patchSizeLevel0 = patchSizeLevel0 ?? Int((Double(patchSize) * downsample.x).rounded())
        self.level0Size = level0Size
        self.level0Magnification = level0Magnification
        self.targetMagnification = targetMagnification
        self.overlap = overlap
        self.saveFolder = saveFolder
        self.mpp = mpp
        self.targetMPP = targetMPP
        self.tissueThreshold = tissueThreshold
        self.targetTileSize = targetTileSize
        self.segmentation = segmentation
        self.producerVersion = producerVersion
        self.configHash = configHash
        self.layout = layout
    }

    /// Field-by-field equality (tuples keep the synthesised version from existing).
    public static func == (lhs: PatchFileMetadata, rhs: PatchFileMetadata) -> Bool {
        lhs.slideID == rhs.slideID && lhs.patchSize == rhs.patchSize && lhs.patchLevel == rhs.patchLevel
            && lhs.downsample == rhs.downsample && lhs.levelSize == rhs.levelSize
            && lhs.patchSizeLevel0 == rhs.patchSizeLevel0 && lhs.level0Size.map { [$0.width, $0.height] } == rhs.level0Size.map { [$0.width, $0.height] }
            && lhs.level0Magnification == rhs.level0Magnification && lhs.targetMagnification == rhs.targetMagnification
            && lhs.overlap == rhs.overlap && lhs.saveFolder == rhs.saveFolder && lhs.mpp == rhs.mpp
            && lhs.targetMPP == rhs.targetMPP && lhs.tissueThreshold == rhs.tissueThreshold
            && lhs.targetTileSize == rhs.targetTileSize && lhs.segmentation == rhs.segmentation
            && lhs.producerVersion == rhs.producerVersion && lhs.configHash == rhs.configHash && lhs.layout == rhs.layout
            && lhs.reading == rhs.reading
    }
}
