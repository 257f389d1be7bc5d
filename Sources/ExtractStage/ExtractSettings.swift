import Foundation
import RunSupport
import Tensor
import Tiling

/// Everything that decides the numbers `slidemil extract` writes; a finished feature file is
/// reused on a rerun only when its `config_hash` equals `fingerprint(weightsChecksum:)`.
/// Also the pipeline config's `extract` section and the defaults and help of `slidemil extract`'s
/// options: `ExtractSettings+Keys.swift` declares each setting once.
public struct ExtractSettings: StageSettings, Sendable {
    /// The CNN (default ResNet-50 truncated after layer3, 1024 features).
    public var backbone: ExtractBackbone = .resnet50Truncated
    /// Width of conv1/layer1 (64 = torchvision); smaller only for tests and demos.
    public var baseWidth = 64
    /// Safetensors file with torchvision names; nil = random initialisation with `seed`.
    public var weights: String?
    /// Seed of the random initialisation (used only without `weights`).
    public var seed: UInt64 = 0
    /// Side in px of the images fed to the CNN; patches are resized to it (CLAM: 256 → 224).
    public var inputSize = 224
    /// Expected patch side at the target resolution; nil accepts whatever the patch file holds.
    public var tileSize: Int?
    /// Per-channel mean (R, G, B) on the 0...1 scale subtracted before the CNN (ImageNet's by default).
    public var mean: [Float] = TileBatch.imageNetMean
    /// Per-channel standard deviation (R, G, B) divided by (ImageNet's by default).
    public var std: [Float] = TileBatch.imageNetStd
    /// Tiles per CNN batch and per write (default 32).
    public var batchSize = 32
    /// Tile reader threads (default 2).
    public var readers = 2
    /// Batches read ahead of the CNN (default 2).
    public var queueDepth = 2
    /// Cores the CNN uses (default: all the process may use, `SLURM_CPUS_PER_TASK` in a Slurm job).
    public var workers = CoreAllowance.count
    /// Process at most this many tiles per slide (benchmarks); nil = all. Part of the fingerprint.
    public var maxTiles: Int?
    /// Stain normalisation applied to each tile in the reader threads (nil = none, the default).
    public var stain: StainNormalization?
    /// Reader choice, resampling path (part of the fingerprint) and tile cache.
    public var reading = SlideReadingSettings()
    /// What an unreadable tile does: fail the slide (default) or leave it out of the feature file.
    public var badTilePolicy: TileReadPolicy = .stop

    /// Defaults: ResNet-50 truncated, 224 px input, ImageNet normalisation, batch 32.
    public init() {}

    /// `"imagenet"`, or the mean and std written out; then the stain normalisation, if any.
    public var normalizationName: String {
        let stainPart = stain.map { "; stain \($0.signature)" } ?? ""
        if mean == TileBatch.imageNetMean && std == TileBatch.imageNetStd { return "imagenet" + stainPart }
        return "mean=\(mean.map { "\($0)" }.joined(separator: ",")) std=\(std.map { "\($0)" }.joined(separator: ","))" + stainPart
    }

    /// Backbone name as stored in feature files, e.g. `"resnet50-trunc"` (`"-w8"` for reduced widths).
    public var backboneName: String {
        baseWidth == 64 || backbone.isVisionTransformer ? backbone.rawValue : "\(backbone.rawValue)-w\(baseWidth)"
    }

    /// The folder under the output that receives the feature files: TRIDENT's
    /// `features_<encoder>` for the Vision Transformer presets (`features_uni_v1`, …), so TRIDENT
    /// users' code finds them; `features` for ResNets and `vit`, as CLAM.
    public var featureFolderName: String { Self.featureFolderName(backbone) }

    /// `featureFolderName` of `backbone`.
    public static func featureFolderName(_ backbone: ExtractBackbone) -> String {
        backbone.preset.map { "features_\($0.tridentName)" } ?? "features"
    }

    /// Checks every setting against its documented range before any work (non-finite values
    /// never pass); keys are the pipeline config's with the command line's option in brackets.
    /// - Throws: `SettingRangeError` naming the key, value and range, or
    ///   `ExtractError.invalidSetting` for a mean or std without three values.
    public func validate() throws {
        try checkRanges()
        guard mean.count == 3, std.count == 3 else {
            throw ExtractError.invalidSetting(name: "normalisation", problem: "mean and std need 3 values (R, G, B)")
        }
    }

    /// Input size, mean and std left at their defaults become the encoder's own (a ViT preset's,
    /// or a `vit`'s `config.json` beside the weights); values given explicitly stay.
    /// - Throws: `TimmModelConfig.Problem` when a `vit`'s `config.json` cannot be read.
    public mutating func adoptEncoderInput() throws {
        guard let expected = try backbone.expectedInput(weights: weights) else { return }
        let defaults = ExtractSettings()
        if inputSize == defaults.inputSize { inputSize = expected.size }
        if mean == defaults.mean { mean = expected.mean }
        if std == defaults.std { std = expected.std }
    }

    /// Short hex digest of what shapes the features (not threads, batch size or the `tileSize`
    /// check, which do not change the numbers): backbone, width, weights checksum (or seed),
    /// input size, normalisation, tile limit, resampling path when not the exact one. FNV-1a 64.
    public func fingerprint(weightsChecksum: String?) -> String {
        let canonical = [
            "backbone=\(backboneName)", "weights=\(weightsChecksum ?? "random\(seed)")", "input=\(inputSize)",
            "norm=\(normalizationName)", "max=\(maxTiles.map(String.init) ?? "-")",
        ] + (reading.exactResampling ? [] : ["resampling=\(reading.resampling.rawValue)"])
        let canonicalText = canonical.joined(separator: ";")
        let hash = SettingsFingerprint.fnv1a(canonicalText)
        return String(hash, radix: 16)
    }
}
