/// How a Vision Transformer checkpoint names its tensors, and how each timm parameter is made
/// from the stored ones.
public enum ViTWeightNaming: String, Sendable, Equatable, CaseIterable {
    /// timm's `VisionTransformer.state_dict()` (`blocks.0.attn.qkv.weight`, `blocks.0.ls1.gamma`, …).
    case timm
    /// Hugging Face transformers' `Dinov2Model` (`encoder.layer.0.attention.attention.query.weight`,
    /// `encoder.layer.0.layer_scale1.lambda1`, `layernorm.weight`, …): separate query, key and value
    /// projections, concatenated here into timm's fused `qkv`.
    case huggingFaceDinov2
    /// A CONCH (CoCa) checkpoint: the whole model's `state_dict`, whose image tower is timm's
    /// `VisionTransformer` under `visual.trunk.` and whose contrastive pooler is
    /// `visual.attn_pool_contrast.` and `visual.ln_contrast.`; the text towers and the captioning
    /// pooler are not used.
    case conch

    /// How `slidemil encoders` names the layout.
    public var summary: String {
        switch self {
        case .timm: return "timm"
        case .huggingFaceDinov2: return "transformers Dinov2"
        case .conch: return "CONCH CoCa"
        }
    }

    /// The stored names whose tensors, concatenated along the first dimension, give the timm
    /// parameter `name`.
    public func sources(of name: String) -> [String] {
        if self == .conch {
            let pooler = name.hasPrefix(AttentionalPoolerShape.prefix) || name.hasPrefix(AttentionalPoolerShape.normName + ".")
            return [(pooler ? "visual." : "visual.trunk.") + name]
        }
        guard self == .huggingFaceDinov2 else { return [name] }
        switch name {
        case "cls_token": return ["embeddings.cls_token"]
        case "pos_embed": return ["embeddings.position_embeddings"]
        case "patch_embed.proj.weight": return ["embeddings.patch_embeddings.projection.weight"]
        case "patch_embed.proj.bias": return ["embeddings.patch_embeddings.projection.bias"]
        case "norm.weight": return ["layernorm.weight"]
        case "norm.bias": return ["layernorm.bias"]
        default: break
        }
        let parts = name.split(separator: ".", maxSplits: 2).map(String.init)
        guard parts.count == 3, parts[0] == "blocks" else { return [name] }
        let layer = "encoder.layer.\(parts[1])."
        switch parts[2] {
        case "attn.qkv.weight": return ["query", "key", "value"].map { layer + "attention.attention.\($0).weight" }
        case "attn.qkv.bias": return ["query", "key", "value"].map { layer + "attention.attention.\($0).bias" }
        case "attn.proj.weight": return [layer + "attention.output.dense.weight"]
        case "attn.proj.bias": return [layer + "attention.output.dense.bias"]
        case "ls1.gamma": return [layer + "layer_scale1.lambda1"]
        case "ls2.gamma": return [layer + "layer_scale2.lambda1"]
        default: return [layer + parts[2]]
        }
    }

    /// Stored tensors that inference does not use (skipped, not reported as unexpected): timm's
    /// classifier `head`, DINOv2's `mask_token`, everything of a CONCH checkpoint but its image
    /// tower and contrastive pooler (text towers, captioning pooler, `proj_contrast`, which maps
    /// to the joint image-text space and is not part of the image features CLAM and TRIDENT use).
    public func isIgnored(_ stored: String) -> Bool {
        switch self {
        case .timm: return stored.hasPrefix("head.")
        case .huggingFaceDinov2: return stored == "embeddings.mask_token" || stored.hasPrefix("pooler.")
        case .conch:
            return !["visual.trunk.", "visual." + AttentionalPoolerShape.prefix, "visual." + AttentionalPoolerShape.normName + "."]
                .contains { stored.hasPrefix($0) } || stored.hasPrefix("visual.trunk.head.")
        }
    }

    /// The stored names and shapes a checkpoint must hold for `configuration`.
    public func expectedStoredParameters(_ configuration: VisionTransformerConfiguration) -> [String: [Int]] {
        var stored: [String: [Int]] = [:]
        for (name, shape) in configuration.expectedParameters {
            let sources = sources(of: name)
            for source in sources {
                stored[source] = [shape[0] / sources.count] + shape.dropFirst()
            }
        }
        return stored
    }
}
