import Foundation

/// A Vision Transformer described by a timm/Hugging Face Hub `config.json`
/// (`{"architecture": "vit_large_patch16_224", "model_args": {...}, "pretrained_cfg": {...}}`), the
/// file timm writes beside `model.safetensors`.
///
/// The architecture name gives timm's registered defaults (width, depth, heads, patch, MLP,
/// registers); `model_args` overrides them as `timm.create_model(name, **model_args)` would;
/// `pretrained_cfg` gives the input size and normalisation. Keys that change the network in ways
/// SlideMIL does not implement (`qk_norm`, `pre_norm`, …) are rejected by name.
public struct TimmModelConfig: Equatable, Sendable {
    /// The timm architecture name.
    public let architecture: String
    /// The network it describes.
    public let configuration: VisionTransformerConfiguration
    /// Input side in px (`pretrained_cfg.input_size`, else `img_size`).
    public let inputSize: Int
    /// Normalisation mean (ImageNet's when the file gives none).
    public let mean: [Float]
    /// Normalisation std.
    public let std: [Float]
    /// Whether `mlp_layer` was given; when not, `VisionTransformer` callers may infer a packed
    /// SwiGLU from the weights (timm cannot store a class in JSON, so Virchow's config omits it).
    public let mlpLayerGiven: Bool
    /// Whether `act_layer` was given.
    public let activationGiven: Bool

    /// Why a config cannot be used; names the file.
    public struct Problem: Error, CustomStringConvertible, Equatable, Sendable {
        /// The config file.
        public let file: String
        /// What is wrong.
        public let reason: String
        /// One line.
        public var description: String { "\(file): \(reason)" }
    }

    /// timm's registered defaults for the ViT architectures pathology models use.
    static let registered: [String: VisionTransformerConfiguration] = {
        func vit(_ patch: Int, _ width: Int, _ depth: Int, _ heads: Int, image: Int = 224) -> VisionTransformerConfiguration {
            VisionTransformerConfiguration(imageSize: image, patchSize: patch, width: width, depth: depth, heads: heads, mlpHiddenWidth: 4 * width)
        }
        func dinov2(_ width: Int, _ depth: Int, _ heads: Int, registers: Int, swiGLU: Bool = false) -> VisionTransformerConfiguration {
            var c = vit(14, width, depth, heads, image: 518)
            c.layerScale = true
            c.registerTokens = registers
            c.positionEmbeddingIncludesPrefix = registers == 0
            if swiGLU {
                c.mlpKind = .packedGLU
                c.activation = .silu
                c.mlpHiddenWidth = VisionTransformerConfiguration.hiddenWidth(width: width, ratio: 2.66667 * 2)
            }
            return c
        }
        var table: [String: VisionTransformerConfiguration] = [
            "vit_small_patch16_224": vit(16, 384, 12, 6), "vit_small_patch8_224": vit(8, 384, 12, 6),
            "vit_base_patch16_224": vit(16, 768, 12, 12), "vit_base_patch8_224": vit(8, 768, 12, 12),
            "vit_base_patch14_224": vit(14, 768, 12, 12),
            "vit_large_patch16_224": vit(16, 1024, 24, 16), "vit_large_patch14_224": vit(14, 1024, 24, 16),
            "vit_huge_patch14_224": vit(14, 1280, 32, 16),
            "vit_small_patch14_dinov2": dinov2(384, 12, 6, registers: 0),
            "vit_base_patch14_dinov2": dinov2(768, 12, 12, registers: 0),
            "vit_large_patch14_dinov2": dinov2(1024, 24, 16, registers: 0),
            "vit_giant_patch14_dinov2": dinov2(1536, 40, 24, registers: 0, swiGLU: true),
            "vit_small_patch14_reg4_dinov2": dinov2(384, 12, 6, registers: 4),
            "vit_base_patch14_reg4_dinov2": dinov2(768, 12, 12, registers: 4),
            "vit_large_patch14_reg4_dinov2": dinov2(1024, 24, 16, registers: 4),
            "vit_giant_patch14_reg4_dinov2": dinov2(1536, 40, 24, registers: 4, swiGLU: true),
        ]
        var giant = vit(14, 1408, 40, 16)
        giant.mlpHiddenWidth = VisionTransformerConfiguration.hiddenWidth(width: 1408, ratio: 48.0 / 11.0)
        table["vit_giant_patch14_224"] = giant
        return table
    }()

    /// model_args keys that do not change the network SlideMIL runs.
    static let harmlessKeys: Set<String> = [
        "num_classes", "dynamic_img_size", "dynamic_img_pad", "drop_rate", "drop_path_rate", "attn_drop_rate",
        "proj_drop_rate", "pos_drop_rate", "patch_drop_rate", "weight_init", "pretrained_strict",
    ]

    /// Reads `config.json` at `url`.
    /// - Throws: `Problem` for an unreadable file, an unknown architecture, or unsupported arguments.
    public init(contentsOf url: URL) throws {
        let file = url.path
        func fail(_ reason: String) -> Problem { Problem(file: file, reason: reason) }
        guard let data = try? Data(contentsOf: url) else { throw fail("cannot read the file") }
        guard let root = (try? JSONSerialization.jsonObject(with: data)) as? [String: Any] else { throw fail("not a JSON object") }
        guard let architecture = root["architecture"] as? String else { throw fail("no \"architecture\" string") }
        let name = architecture.split(separator: ".").first.map(String.init) ?? architecture
        guard var c = Self.registered[name] else {
            throw fail("architecture \(architecture) is not one of \(Self.registered.keys.sorted().joined(separator: ", "))")
        }
        let arguments = root["model_args"] as? [String: Any] ?? [:]
        func int(_ key: String) throws -> Int? {
            guard let value = arguments[key], !(value is NSNull) else { return nil }
            if let list = value as? [Any], let first = list.first as? NSNumber { return first.intValue }
            guard let number = value as? NSNumber else { throw fail("model_args.\(key) is not a number") }
            return number.intValue
        }
        func bool(_ key: String) throws -> Bool? {
            guard let value = arguments[key], !(value is NSNull) else { return nil }
            guard let flag = value as? Bool else { throw fail("model_args.\(key) is not true or false") }
            return flag
        }
        let defaultRatio = Double(c.mlpHiddenWidth) / Double(c.width)
        var ratio: Double?
        var mlpLayerGiven = false, activationGiven = false
        for key in arguments.keys.sorted() {
            switch key {
            case "img_size": c.imageSize = try int(key)!
            case "patch_size": c.patchSize = try int(key)!
            case "embed_dim": c.width = try int(key)!
            case "depth": c.depth = try int(key)!
            case "num_heads": c.heads = try int(key)!
            case "in_chans": c.inputChannels = try int(key)!
            case "reg_tokens": c.registerTokens = try int(key) ?? 0
            case "mlp_ratio":
                guard let number = arguments[key] as? NSNumber else { throw fail("model_args.mlp_ratio is not a number") }
                ratio = number.doubleValue
            case "init_values":
                let value = (arguments[key] as? NSNumber)?.doubleValue
                c.layerScale = value.map { $0 != 0 } ?? false
            case "no_embed_class": c.positionEmbeddingIncludesPrefix = !(try bool(key) ?? false)
            case "class_token": c.classToken = try bool(key) ?? true
            case "qkv_bias": c.qkvBias = try bool(key) ?? true
            case "global_pool":
                switch arguments[key] as? String {
                case "token", "": c.pooling = .classToken
                case "avg":
                    c.pooling = .meanPatchTokens
                    c.normAfterPooling = true
                default: throw fail("model_args.global_pool \(String(describing: arguments[key])) is not supported (token, avg or \"\")")
                }
            case "fc_norm":
                if let flag = try bool(key) { c.normAfterPooling = flag && c.pooling == .meanPatchTokens }
            case "mlp_layer":
                guard let layer = arguments[key] as? String else { throw fail("model_args.mlp_layer is not a string") }
                mlpLayerGiven = true
                if layer.hasSuffix("SwiGLUPacked") {
                    c.mlpKind = .packedGLU
                } else if layer.hasSuffix("Mlp") {
                    c.mlpKind = .plain
                } else {
                    throw fail("model_args.mlp_layer \(layer) is not supported (Mlp or SwiGLUPacked)")
                }
            case "act_layer":
                guard let layer = (arguments[key] as? String)?.lowercased() else { throw fail("model_args.act_layer is not a string") }
                activationGiven = true
                if layer.hasSuffix("silu") || layer.hasSuffix("swish") { c.activation = .silu }
                else if layer.hasSuffix("gelu") { c.activation = .gelu }
                else { throw fail("model_args.act_layer \(layer) is not supported (GELU or SiLU)") }
            default:
                guard Self.harmlessKeys.contains(key) else { throw fail("model_args.\(key) is not supported") }
            }
        }
        c.mlpHiddenWidth = VisionTransformerConfiguration.hiddenWidth(width: c.width, ratio: ratio ?? defaultRatio)
        if let problem = c.problem { throw fail(problem) }

        let pretrained = root["pretrained_cfg"] as? [String: Any] ?? [:]
        let floats = { (key: String) -> [Float]? in
            (pretrained[key] as? [NSNumber]).map { $0.map(\.floatValue) }
        }
        self.architecture = architecture
        self.configuration = c
        self.inputSize = ((pretrained["input_size"] as? [NSNumber])?.last?.intValue) ?? c.imageSize
        self.mean = floats("mean") ?? EncoderPreset.imageNetMean
        self.std = floats("std") ?? EncoderPreset.imageNetStd
        self.mlpLayerGiven = mlpLayerGiven
        self.activationGiven = activationGiven
        guard mean.count == 3, std.count == 3 else { throw fail("pretrained_cfg mean and std need 3 values") }
    }

    /// The configuration, with the MLP kind read off the weights when `mlp_layer` was not given:
    /// an `fc2` taking half of `fc1`'s output is timm's `SwiGLUPacked` (with SiLU unless
    /// `act_layer` says otherwise), as Virchow's and GigaPath's published configs leave implicit.
    public func configuration(matching entries: [String: [Int]]) -> VisionTransformerConfiguration {
        var c = configuration
        guard !mlpLayerGiven, c.depth > 0,
              let fc1 = entries["blocks.0.mlp.fc1.weight"], let fc2 = entries["blocks.0.mlp.fc2.weight"],
              fc1.count == 2, fc2.count == 2 else { return c }
        if fc2[1] * 2 == fc1[0] {
            c.mlpKind = .packedGLU
            if !activationGiven { c.activation = .silu }
            c.mlpHiddenWidth = fc1[0]
        } else if fc2[1] == fc1[0] {
            c.mlpKind = .plain
            if !activationGiven { c.activation = .gelu }
        }
        return c
    }
}
