import ExtractStage
import Foundation
import RunSupport
import SlideIO

extension ExtractBackbone: Codable {}

/// The `extract` section of a pipeline config: what `slidemil extract` is given on its command
/// line (keys are its option names in camel case). The tile size check is not a key: the
/// pipeline passes its own `tile.tileSize`.
public struct PipelineExtractConfig: Codable, Equatable, Sendable {
    /// `resnet50-trunc` (default, 1024 features), `resnet50`, `resnet34` or `resnet18`.
    public var backbone = ExtractBackbone.resnet50Truncated
    /// Safetensors weights with torchvision names, or `none` (default) for a seeded random
    /// initialisation, whose features mean nothing beyond what random filters catch.
    public var weights = "none"
    /// Seed of the random initialisation (default 0).
    public var seed = ExtractSettings().seed
    /// Backbone base width (64 = torchvision, the default).
    public var baseWidth = ExtractSettings().baseWidth
    /// Side in px of the images fed to the CNN (default 224).
    public var inputSize = ExtractSettings().inputSize
    /// Normalisation mean R, G, B on the 0...1 scale (default ImageNet's).
    public var mean: [Float] = ExtractSettings().mean
    /// Normalisation standard deviation R, G, B (default ImageNet's).
    public var std: [Float] = ExtractSettings().std
    /// Tiles per CNN batch (default 32).
    public var batchSize = ExtractSettings().batchSize
    /// Tile reader threads (default 2).
    public var readers = ExtractSettings().readers
    /// Batches read ahead of the CNN (default 2).
    public var queueDepth = ExtractSettings().queueDepth
    /// Cores for the CNN; 0 (default) = all.
    public var threads = 0
    /// Slide reader: `auto` (default: the direct reader for tiled JPEG TIFFs) or `openslide`.
    public var reader = "auto"
    /// Decode every pixel and area-average tiles read at a finer level (default false: JPEG tiles
    /// are decoded at 1/2, 1/4 or 1/8 first).
    public var exactResampling = false
    /// MiB of decoded stored tiles a slide's readers may keep (default 256; 0 = no cache).
    public var tileCacheMb = DecodedTileCache.defaultBudgetBytes >> 20
    /// Leave unreadable tiles out of the feature file instead of failing the slide (default false).
    public var skipBadTiles = false

    /// The extract command's defaults, with `weights: none`.
    public init() {}

    /// The `ExtractSettings` these values stand for, expecting tiles of `tileSize` px.
    /// - Throws: `ExtractError.invalidSetting` for bad sizes, counts or normalisation.
    public func settings(tileSize: Int) throws -> ExtractSettings {
        var settings = ExtractSettings()
        settings.backbone = backbone
        settings.weights = weights == "none" ? nil : weights
        settings.seed = seed
        settings.baseWidth = baseWidth
        settings.inputSize = inputSize
        settings.tileSize = tileSize
        // A ViT preset left at the ImageNet default gets its own normalisation (H-optimus's differs).
        let isDefault = mean == PipelineExtractConfig().mean && std == PipelineExtractConfig().std
        settings.mean = isDefault ? backbone.preset?.mean ?? mean : mean
        settings.std = isDefault ? backbone.preset?.std ?? std : std
        settings.batchSize = batchSize
        settings.readers = readers
        settings.queueDepth = queueDepth
        try SettingRange(0, 4096).check("extract.threads (--threads)", threads)
        if threads > 0 { settings.workers = threads }
        guard reader == "auto" || reader == "openslide" else {
            throw PipelineError.invalidSetting(key: "extract.reader", problem: "must be auto or openslide, got '\(reader)'")
        }
        guard (0...(1 << 20)).contains(tileCacheMb) else {
            throw PipelineError.invalidSetting(key: "extract.tileCacheMb", problem: "must be in 0...1048576, got \(tileCacheMb)")
        }
        settings.reading.directReader = reader == "auto"
        settings.reading.exactResampling = exactResampling
        settings.reading.tileCacheBytes = tileCacheMb << 20
        settings.badTilePolicy = skipBadTiles ? .skip : .stop
        try settings.validate()
        return settings
    }

    /// The `slidemil extract` options after `--weights`, those that differ from its defaults.
    var commandOptions: [String] {
        let defaults = PipelineExtractConfig()
        var options = ChangedOptions(["--weights", weights])
        options.add(backbone, defaults.backbone, "--backbone", backbone.rawValue)
        options.add(seed, defaults.seed, "--seed")
        options.add(baseWidth, defaults.baseWidth, "--base-width")
        options.add(inputSize, defaults.inputSize, "--input-size")
        options.add(mean, defaults.mean, "--mean", mean.map { "\($0)" }.joined(separator: ","))
        options.add(std, defaults.std, "--std", std.map { "\($0)" }.joined(separator: ","))
        options.add(batchSize, defaults.batchSize, "--batch-size")
        options.add(readers, defaults.readers, "--readers")
        options.add(queueDepth, defaults.queueDepth, "--queue-depth")
        options.add(threads, defaults.threads, "--threads")
        options.add(reader, defaults.reader, "--reader")
        var flags: [String] = []
        if exactResampling { flags.append("--exact-resampling") }
        options.add(tileCacheMb, defaults.tileCacheMb, "--tile-cache-mb")
        if skipBadTiles { flags.append("--skip-bad-tiles") }
        return options.arguments + flags
    }
}
