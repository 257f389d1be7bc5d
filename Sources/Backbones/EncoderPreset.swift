/// A published pathology foundation model SlideMIL can run: its architecture, the input it
/// expects, and where the configuration comes from. The weights are never bundled (most are gated
/// and licence-bound); the user downloads them from `weightsPage`.
public struct EncoderPreset: Equatable, Sendable {
    /// The name on the command line, e.g. `uni`, `virchow2`.
    public let name: String
    /// TRIDENT's name for the encoder (its output folder is `features_<tridentName>`).
    public let tridentName: String
    /// The network.
    public let architecture: VisionTransformerConfiguration
    /// Side in px of the images fed to the encoder.
    public let inputSize: Int
    /// Normalisation mean (R, G, B) on the 0…1 scale.
    public let mean: [Float]
    /// Normalisation standard deviation (R, G, B).
    public let std: [Float]
    /// Where the configuration was taken from (model card or published config).
    public let source: String
    /// The page the weights are downloaded from.
    public let weightsPage: String
    /// How the published weights name their tensors.
    public let weightNames: ViTWeightNaming

    /// Features per tile.
    public var outputWidth: Int { architecture.outputWidth }

    /// ImageNet's channel means, the normalisation of most encoders.
    public static let imageNetMean: [Float] = [0.485, 0.456, 0.406]
    /// ImageNet's channel standard deviations.
    public static let imageNetStd: [Float] = [0.229, 0.224, 0.225]
    /// OpenAI CLIP's channel means (CONCH's normalisation).
    public static let openAIMean: [Float] = [0.48145466, 0.4578275, 0.40821073]
    /// OpenAI CLIP's channel standard deviations.
    public static let openAIStd: [Float] = [0.26862954, 0.26130258, 0.27577711]

    /// Every preset, in the order `slidemil encoders` prints them.
    public static let all: [EncoderPreset] = [uni, uni2h, virchow2, hOptimus0, hOptimus1, gigapath, phikonV2, conch]

    /// The preset called `name`, or nil.
    public static func named(_ name: String) -> EncoderPreset? {
        all.first { $0.name == name }
    }

    /// UNI (v1): ViT-L/16 at 224, LayerScale, class token → 1024.
    public static let uni = EncoderPreset(
        name: "uni", tridentName: "uni_v1",
        architecture: VisionTransformerConfiguration(
            imageSize: 224, patchSize: 16, width: 1024, depth: 24, heads: 16, mlpHiddenWidth: 4096, layerScale: true),
        inputSize: 224, mean: imageNetMean, std: imageNetStd,
        source: "MahmoodLab/UNI model card: timm vit_large_patch16_224, img_size 224, patch_size 16, init_values 1e-5, num_classes 0; ImageNet mean/std",
        weightsPage: "https://huggingface.co/MahmoodLab/UNI", weightNames: .timm)

    /// UNI2-h: ViT-H/14-style (1536 wide, 24 blocks), 8 registers not position-embedded, packed SwiGLU → 1536.
    public static let uni2h = EncoderPreset(
        name: "uni2-h", tridentName: "uni_v2",
        architecture: VisionTransformerConfiguration(
            imageSize: 224, patchSize: 14, width: 1536, depth: 24, heads: 24,
            mlpHiddenWidth: VisionTransformerConfiguration.hiddenWidth(width: 1536, ratio: 2.66667 * 2),
            mlpKind: .packedGLU, activation: .silu, layerScale: true, registerTokens: 8,
            positionEmbeddingIncludesPrefix: false),
        inputSize: 224, mean: imageNetMean, std: imageNetStd,
        source: "MahmoodLab/UNI2-h model card timm_kwargs: vit_giant_patch14_224, img 224, patch 14, depth 24, heads 24, embed 1536, init_values 1e-5, mlp_ratio 2.66667*2, SwiGLUPacked + SiLU, reg_tokens 8, no_embed_class; ImageNet mean/std",
        weightsPage: "https://huggingface.co/MahmoodLab/UNI2-h", weightNames: .timm)

    /// Virchow 2: ViT-H/14, 4 registers, packed SwiGLU (ratio 5.3375), class token ⊕ mean patch token → 2560.
    public static let virchow2 = EncoderPreset(
        name: "virchow2", tridentName: "virchow2",
        architecture: VisionTransformerConfiguration(
            imageSize: 224, patchSize: 14, width: 1280, depth: 32, heads: 16,
            mlpHiddenWidth: VisionTransformerConfiguration.hiddenWidth(width: 1280, ratio: 5.3375),
            mlpKind: .packedGLU, activation: .silu, layerScale: true, registerTokens: 4,
            pooling: .classTokenAndMeanPatchTokens),
        inputSize: 224, mean: imageNetMean, std: imageNetStd,
        source: "paige-ai/Virchow2 config.json (vit_huge_patch14_224, img 224, init_values 1e-5, mlp_ratio 5.3375, reg_tokens 4) and model card (SwiGLUPacked + SiLU; embedding = class token ⊕ mean of tokens 5:); ImageNet mean/std",
        weightsPage: "https://huggingface.co/paige-ai/Virchow2", weightNames: .timm)

    /// H-optimus-0: ViT-g/14 with 4 registers (DINOv2 layout), packed SwiGLU, class token → 1536.
    public static let hOptimus0 = EncoderPreset(
        name: "h-optimus-0", tridentName: "hoptimus0", architecture: dinov2Giant(registers: 4, patchSize: 14),
        inputSize: 224, mean: [0.707223, 0.578729, 0.703617], std: [0.211883, 0.230117, 0.177517],
        source: "bioptimus/H-optimus-0 model card: timm vit_giant_patch14_reg4_dinov2, img_size 224, init_values 1e-5, global_pool token; mean (0.707223, 0.578729, 0.703617), std (0.211883, 0.230117, 0.177517)",
        weightsPage: "https://huggingface.co/bioptimus/H-optimus-0", weightNames: .timm)

    /// H-optimus-1: the architecture and normalisation of H-optimus-0, new weights → 1536.
    public static let hOptimus1 = EncoderPreset(
        name: "h-optimus-1", tridentName: "hoptimus1", architecture: dinov2Giant(registers: 4, patchSize: 14),
        inputSize: 224, mean: [0.707223, 0.578729, 0.703617], std: [0.211883, 0.230117, 0.177517],
        source: "bioptimus/H-optimus-1 model card: as H-optimus-0 (vit_giant_patch14_reg4_dinov2, img_size 224, init_values 1e-5) with the same mean/std",
        weightsPage: "https://huggingface.co/bioptimus/H-optimus-1", weightNames: .timm)

    /// Prov-GigaPath tile encoder: ViT-g/16 (DINOv2 layout, no registers), packed SwiGLU, class token → 1536.
    public static let gigapath = EncoderPreset(
        name: "gigapath", tridentName: "gigapath", architecture: dinov2Giant(registers: 0, patchSize: 16),
        inputSize: 224, mean: imageNetMean, std: imageNetStd,
        source: "prov-gigapath/prov-gigapath config.json: vit_giant_patch14_dinov2 (SwiGLUPacked + SiLU) with img_size 224, patch_size 16, embed_dim 1536, depth 40, num_heads 24, init_values 1e-5, mlp_ratio 5.33334; ImageNet mean/std",
        weightsPage: "https://huggingface.co/prov-gigapath/prov-gigapath", weightNames: .timm)

    /// Phikon-v2: DINOv2 ViT-L/16 in Hugging Face transformers' layout, class token → 1024.
    public static let phikonV2 = EncoderPreset(
        name: "phikon-v2", tridentName: "phikon_v2",
        architecture: VisionTransformerConfiguration(
            imageSize: 224, patchSize: 16, width: 1024, depth: 24, heads: 16, mlpHiddenWidth: 4096, layerScale: true),
        inputSize: 224, mean: imageNetMean, std: imageNetStd,
        source: "owkin/phikon-v2 config.json (Dinov2Model: hidden 1024, 24 layers, 16 heads, patch 16, image 224, layerscale 1e-5, GELU MLP ratio 4, eps 1e-6); class token of last_hidden_state as in TRIDENT; ImageNet mean/std",
        weightsPage: "https://huggingface.co/owkin/phikon-v2", weightNames: .huggingFaceDinov2)

    /// CONCH (v1): the image tower of a CoCa model, timm's ViT-B/16 at 448 px (class token, no
    /// LayerScale) whose tokens, after the final norm, are pooled by one learned query (8 heads,
    /// 512 wide) and a LayerNorm → 512: `encode_image(proj_contrast=False, normalize=False)`, the
    /// features CLAM and TRIDENT extract.
    public static let conch = EncoderPreset(
        name: "conch", tridentName: "conch_v1",
        architecture: VisionTransformerConfiguration(
            imageSize: 448, patchSize: 16, width: 768, depth: 12, heads: 12, mlpHiddenWidth: 3072,
            pooling: .attentionalPooler, attentionalPooler: AttentionalPoolerShape(width: 512, heads: 8)),
        inputSize: 448, mean: openAIMean, std: openAIStd,
        source: "MahmoodLab/CONCH: model_configs/conch_ViT-B-16.json (embed_dim 512, vision_cfg image_size 448, patch_size 16, attentional_pool_contrast, attn_pooler_heads 8, n_queries_contrast 1; trunk timm VisionTransformer 768 wide, 12 blocks, 12 heads, mlp_ratio 4); OpenAI CLIP mean/std; features of encode_image(proj_contrast=False, normalize=False) as in CLAM and TRIDENT",
        weightsPage: "https://huggingface.co/MahmoodLab/CONCH", weightNames: .conch)

    /// timm's DINOv2 ViT-g (1536 wide, 40 blocks, 24 heads, SwiGLUPacked + SiLU, LayerScale) at 224.
    static func dinov2Giant(registers: Int, patchSize: Int) -> VisionTransformerConfiguration {
        VisionTransformerConfiguration(
            imageSize: 224, patchSize: patchSize, width: 1536, depth: 40, heads: 24,
            mlpHiddenWidth: VisionTransformerConfiguration.hiddenWidth(width: 1536, ratio: 2.66667 * 2),
            mlpKind: .packedGLU, activation: .silu, layerScale: true, registerTokens: registers,
            positionEmbeddingIncludesPrefix: registers == 0)
    }
}
