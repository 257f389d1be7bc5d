/// What produced the features in a feature file: stored as attributes on the `features` dataset so
/// a later run (or a person with h5py) can tell which backbone and settings made them.
public struct FeatureFileMetadata: Equatable, Sendable {
    /// Backbone name, e.g. `"resnet50-trunc"` (also written as TRIDENT's `encoder`).
    public var backbone: String
    /// Where the weights came from: a file name, or `"random-init seed N"` for untrained weights.
    public var weights: String?
    /// Checksum of the weights file (hex SHA-256 or similar), when known.
    public var weightsChecksum: String?
    /// The CNN input size: side in pixels of the images fed to the backbone (after any resize),
    /// e.g. 224; stored as `tile_size` (CLAM's and TRIDENT's name). Not the tile run's tile size,
    /// which the patch file records as `target_tile_size`.
    public var inputSize: Int?
    /// Side in pixels of the patches as read at the patch level, before resizing to `inputSize`
    /// (e.g. CLAM's 256 px patches fed at 224); stored as `patch_size`.
    public var patchSize: Int?
    /// Side of a patch in level-0 pixels (CLAM's `patch_size_level0`), so attention can be drawn
    /// back onto the slide without the patch file; nil in files written before it was recorded.
    public var patchSizeLevel0: Int?
    /// Objective power the tiles represent, e.g. 20.
    public var magnification: Double?
    /// Micrometres per pixel of the tiles as fed to the backbone.
    public var mpp: Double?
    /// Input normalisation, e.g. `"imagenet"`.
    public var normalization: String?
    /// Version of SlideMIL that wrote the file.
    public var producerVersion: String?
    /// Hash of the extraction configuration, compared on resume.
    public var configHash: String?
    /// How the tiles were read (reader, resampling path, skipped tiles).
    public var reading: TileReadProvenance?

    /// Provenance for a new feature file; only `backbone` is required.
    public init(
        backbone: String, weights: String? = nil, weightsChecksum: String? = nil, inputSize: Int? = nil, patchSize: Int? = nil, patchSizeLevel0: Int? = nil,
        magnification: Double? = nil, mpp: Double? = nil, normalization: String? = nil, producerVersion: String? = nil,
        configHash: String? = nil
    ) {
        self.backbone = backbone
        self.weights = weights
        self.weightsChecksum = weightsChecksum
        self.inputSize = inputSize
        self.patchSize = patchSize
        self.patchSizeLevel0 = patchSizeLevel0
        self.magnification = magnification
        self.mpp = mpp
        self.normalization = normalization
        self.producerVersion = producerVersion
        self.configHash = configHash
    }

    func write(to attributes: HDF5AttributeSet) throws {
        try attributes.set("backbone", .string(backbone))
        try attributes.set("encoder", .string(backbone))
        if let weights { try attributes.set("weights", .string(weights)) }
        if let weightsChecksum { try attributes.set("weights_checksum", .string(weightsChecksum)) }
        if let inputSize { try attributes.set("tile_size", .integer(Int64(inputSize))) }
        if let patchSize { try attributes.set("patch_size", .integer(Int64(patchSize))) }
        if let patchSizeLevel0 { try attributes.set("patch_size_level0", .integer(Int64(patchSizeLevel0))) }
        if let magnification { try attributes.set("magnification", .real(magnification)) }
        if let mpp { try attributes.set("mpp", .real(mpp)) }
        if let normalization { try attributes.set("normalization", .string(normalization)) }
        try attributes.set("slidemil_version", .string(producerVersion ?? "unknown"))
        if let configHash { try attributes.set("config_hash", .string(configHash)) }
        try reading?.write(to: attributes)
    }

    /// Reads SlideMIL's attributes, or TRIDENT's `encoder`; `nil` when neither is present (CLAM).
    static func read(from attributes: HDF5AttributeSet) -> FeatureFileMetadata? {
        guard let backbone = attributes["backbone"]?.stringValue ?? attributes["encoder"]?.stringValue else { return nil }
        var metadata = FeatureFileMetadata(
            backbone: backbone,
            weights: attributes["weights"]?.stringValue,
            weightsChecksum: attributes["weights_checksum"]?.stringValue,
            inputSize: attributes["tile_size"]?.integerValue.map(Int.init),
            patchSize: attributes["patch_size"]?.integerValue.map(Int.init),
            patchSizeLevel0: attributes["patch_size_level0"]?.integerValue.map(Int.init),
            magnification: attributes["magnification"]?.realValue,
            mpp: attributes["mpp"]?.realValue,
            normalization: attributes["normalization"]?.stringValue,
            producerVersion: attributes["slidemil_version"]?.stringValue,
            configHash: attributes["config_hash"]?.stringValue)
        metadata.reading = TileReadProvenance.read(from: attributes)
        return metadata
    }
}
