import Foundation
import RunSupport

extension ExtractBackbone: SettingValue {}

extension ExtractSettings {
    public static let section = "extract"

    /// Every setting of `slidemil extract` and the pipeline's `extract` section, with its range.
    /// Stain normalisation is fitted from a reference tile, so only the command line takes it.
    public static var keys: [SettingKey<ExtractSettings>] {
        [
            SettingKey("backbone", \.backbone, "Encoder (see 'slidemil encoders')."),
            SettingKey("weights", "Safetensors weights (torchvision names for ResNets, timm names for ViTs), or 'none' for a seeded random ResNet (demos and tests only).",
                       alwaysPrinted: true, get: { $0.weights ?? "none" }, set: { $0.weights = $1 == "none" ? nil : $1 }),
            SettingKey("seed", \.seed, "Seed of the random initialisation with --weights none."),
            SettingKey("baseWidth", \.baseWidth, "Backbone base width (64 = torchvision; smaller for quick demos with --weights none).",
                       range: SettingRange(1, 1024)),
            SettingKey("inputSize", \.inputSize,
                       "Side in px of the images fed to the encoder; patches are resized to it (224 stands for the encoder's own: 224 for ResNets; ViTs interpolate their position embeddings).",
                       range: SettingRange(8, 2048)),
            SettingKey("tileSize", "Expected patch side at the target resolution; a patch file that disagrees fails the slide (the pipeline passes tile.tileSize; 0 = any).",
                       range: SettingRange(8, 16384), place: .commandLineOnly, unset: 0,
                       get: { $0.tileSize ?? 0 }, set: { $0.tileSize = $1 == 0 ? nil : $1 }),
            SettingKey("mean", \.mean, "Normalisation mean R,G,B on the 0...1 scale (ImageNet's stands for the encoder's own).", range: SettingRange(-10, 10)),
            SettingKey("std", \.std, "Normalisation std R,G,B (ImageNet's stands for the encoder's own).", range: .positive(upTo: 10)),
            SettingKey("batchSize", \.batchSize, "Tiles per CNN batch.", range: SettingRange(1, 4096)),
            SettingKey("readers", \.readers, "Tile reader threads.", range: SettingRange(1, 256)),
            SettingKey("queueDepth", \.queueDepth, "Batches read ahead of the CNN.", range: SettingRange(1, 256)),
            SettingKey("threads", "Cores for the CNN (0 = all).", range: SettingRange(0, 4096),
                       get: { $0.workers == allCores ? 0 : $0.workers }, set: { $0.workers = $1 == 0 ? allCores : $1 }),
            SettingKey("maxTiles", "Process at most this many patches per slide (benchmarks; part of the settings fingerprint; 0 = all).",
                       range: SettingRange(1, Double(Int32.max)), place: .commandLineOnly, unset: 0,
                       get: { $0.maxTiles ?? 0 }, set: { $0.maxTiles = $1 == 0 ? nil : $1 }),
        ] + SlideReadingSettings.keys(\.reading) + [
            SettingKey("skipBadTiles", "Leave unreadable tiles out of the feature file (counted in its skipped_tiles attribute) instead of failing the slide.",
                       get: { $0.badTilePolicy == .skip }, set: { $0.badTilePolicy = $1 ? .skip : .stop }),
        ]
    }

    private static var allCores: Int { ProcessInfo.processInfo.activeProcessorCount }
}
