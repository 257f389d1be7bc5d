import Backbones
import Foundation
import NN

/// The input an encoder was trained on: `slidemil extract` feeds it this unless told otherwise.
public struct EncoderInput: Equatable, Sendable {
    /// Side in px.
    public var size: Int
    /// Normalisation mean (R, G, B) on the 0…1 scale.
    public var mean: [Float]
    /// Normalisation std (R, G, B).
    public var std: [Float]

    /// An input of `size` px normalised with `mean` and `std`.
    public init(size: Int, mean: [Float], std: [Float]) {
        self.size = size
        self.mean = mean
        self.std = std
    }
}

extension ExtractBackbone {
    /// The published encoder this backbone stands for (nil for ResNets and `vit`).
    public var preset: EncoderPreset? { EncoderPreset.named(rawValue) }

    /// Whether this is a Vision Transformer (a preset or `vit`).
    public var isVisionTransformer: Bool { configuration() == nil }

    /// `config.json` in the folder of `weights`: where `vit` reads its architecture.
    public static func timmConfigURL(weights: String) -> URL {
        URL(fileURLWithPath: weights).deletingLastPathComponent().appendingPathComponent("config.json")
    }

    /// The input size and normalisation the encoder expects: the preset's, or for `vit` those of
    /// `config.json` beside `weights`; nil for ResNets (ImageNet at 224 is SlideMIL's default).
    /// - Throws: `TimmModelConfig.Problem` for a missing or unusable `config.json`.
    public func expectedInput(weights: String?) throws -> EncoderInput? {
        if let preset { return EncoderInput(size: preset.inputSize, mean: preset.mean, std: preset.std) }
        guard self == .vit else { return nil }
        let config = try TimmModelConfig(contentsOf: Self.timmConfigURL(weights: weights ?? ""))
        return EncoderInput(size: config.inputSize, mean: config.mean, std: config.std)
    }

    /// The Vision Transformer of `settings` with its weights, and the weights' SHA-256.
    /// - Throws: `ExtractError.invalidSetting` without weights (random ViT features are not
    ///   offered), `ExtractError.weightsUnreadable`, `TimmModelConfig.Problem`, or
    ///   `StateDictionaryError` naming every missing, unexpected or mis-shaped key.
    func visionTransformer(settings: ExtractSettings) throws -> (VisionTransformer, String) {
        guard let path = settings.weights else {
            throw ExtractError.invalidSetting(name: "weights", problem: "\(rawValue) needs --weights: a safetensors file downloaded from the model's page")
        }
        let url = URL(fileURLWithPath: path)
        guard FileManager.default.isReadableFile(atPath: path) else {
            throw ExtractError.weightsUnreadable(path: path, reason: "no readable file")
        }
        let architecture: VisionTransformerConfiguration
        let naming: ViTWeightNaming
        if let preset {
            (architecture, naming) = (preset.architecture, preset.weightNames)
        } else {
            let config = try TimmModelConfig(contentsOf: Self.timmConfigURL(weights: path))
            let shapes = try SafeTensorsArchive.read(contentsOf: url).entries.mapValues(\.shape)
            (architecture, naming) = (config.configuration(matching: shapes), .timm)
        }
        let checksum = try ExtractionChecksum.sha256(fileAt: url)
        let model = try VisionTransformer.load(architecture, contentsOf: url, naming: naming, workers: settings.workers)
        return (model, checksum)
    }
}
