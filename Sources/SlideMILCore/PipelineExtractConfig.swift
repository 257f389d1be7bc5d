import Foundation

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
    public var seed: UInt64 = 0
    /// Backbone base width (64 = torchvision, the default).
    public var baseWidth = 64
    /// Side in px of the images fed to the CNN (default 224).
    public var inputSize = 224
    /// Normalisation mean R, G, B on the 0...1 scale (default ImageNet's).
    public var mean: [Float] = ExtractSettings().mean
    /// Normalisation standard deviation R, G, B (default ImageNet's).
    public var std: [Float] = ExtractSettings().std
    /// Tiles per CNN batch (default 32).
    public var batchSize = 32
    /// Tile reader threads (default 2).
    public var readers = 2
    /// Batches read ahead of the CNN (default 2).
    public var queueDepth = 2
    /// Cores for the CNN; 0 (default) = all.
    public var threads = 0

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
        if threads > 0 { settings.workers = threads }
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
        return options.arguments
    }
}
