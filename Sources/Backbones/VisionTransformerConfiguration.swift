import NN
import Transformer

/// What a Vision Transformer returns for each image.
public enum TokenPooling: String, Sendable, Equatable, CaseIterable {
    /// The class token after the final norm (timm's `global_pool='token'`): width features.
    case classToken = "cls"
    /// The mean of the patch tokens after the final norm, register and class tokens excluded:
    /// width features.
    case meanPatchTokens = "mean"
    /// The class token concatenated with the mean of the patch tokens (Virchow's embedding):
    /// 2 · width features.
    case classTokenAndMeanPatchTokens = "cls+mean"
    /// One learned query attending to every token after the final norm, then a LayerNorm (the
    /// contrastive pooler of a CoCa image tower, CONCH's image embedding):
    /// `attentionalPooler.width` features.
    case attentionalPooler = "attn-pool"
}

/// The attentional pooler of a CoCa image tower (CONCH's `attn_pool_contrast` and `ln_contrast`):
/// one query of `width`, `heads` heads over keys and values projected from the tokens.
public struct AttentionalPoolerShape: Equatable, Sendable {
    /// Output width (`d_model`, the contrastive embedding width).
    public var width: Int
    /// Attention heads (`attn_pooler_heads`).
    public var heads: Int
    /// Epsilon of `ln_q`, `ln_k` and `ln_contrast` (PyTorch's default 1e-5).
    public var normEpsilon: Float

    /// Prefix of the pooler's tensors, named as in a CoCa `visual` module (`attn_pool_contrast.query`,
    /// `attn_pool_contrast.attn.k_proj_weight`, …).
    public static let prefix = "attn_pool_contrast."
    /// Name of the norm after the pooler (`ln_contrast.weight`, `ln_contrast.bias`).
    public static let normName = "ln_contrast"

    /// A pooler of `width` with `heads` heads.
    public init(width: Int, heads: Int, normEpsilon: Float = 1e-5) {
        self.width = width
        self.heads = heads
        self.normEpsilon = normEpsilon
    }
}

/// The shape of a timm `VisionTransformer` (pre-norm blocks, absolute position embeddings), with
/// the parameter names of its `state_dict`.
public struct VisionTransformerConfiguration: Equatable, Sendable {
    /// Side of the images the position embeddings were trained for (their grid is
    /// `imageSize / patchSize` per side); other sizes interpolate them.
    public var imageSize: Int
    /// Side of a square patch (the stride and kernel of `patch_embed.proj`).
    public var patchSize: Int
    /// Token width (`embed_dim`).
    public var width: Int
    /// Number of blocks.
    public var depth: Int
    /// Attention heads per block.
    public var heads: Int
    /// Output width of `mlp.fc1`: `int(width · mlp_ratio)` as timm computes it.
    public var mlpHiddenWidth: Int
    /// Plain MLP or packed SwiGLU.
    public var mlpKind: TransformerMLP.Kind
    /// GELU (plain ViTs) or SiLU (SwiGLU models).
    public var activation: TokenActivation
    /// Whether `qkv` has a bias (timm's default: yes).
    public var qkvBias: Bool
    /// Whether blocks carry LayerScale (`ls1.gamma`, `ls2.gamma`; timm's `init_values`).
    public var layerScale: Bool
    /// Whether a class token leads the sequence.
    public var classToken: Bool
    /// Register tokens after the class token (`reg_tokens`).
    public var registerTokens: Int
    /// Whether the position embeddings cover the class and register tokens too (timm's default);
    /// false is timm's `no_embed_class=True` (they cover patch tokens only).
    public var positionEmbeddingIncludesPrefix: Bool
    /// How the output is pooled.
    public var pooling: TokenPooling
    /// Whether the final norm is applied after pooling (timm's `fc_norm`, its default with
    /// `global_pool='avg'`) instead of to every token (`norm`).
    public var normAfterPooling: Bool
    /// The attentional pooler, present exactly when `pooling` is `.attentionalPooler`.
    public var attentionalPooler: AttentionalPoolerShape?
    /// LayerNorm epsilon (1e-6 in timm's ViTs).
    public var normEpsilon: Float
    /// Image channels.
    public var inputChannels: Int

    /// A configuration with timm's defaults for what is not given.
    public init(imageSize: Int = 224, patchSize: Int, width: Int, depth: Int, heads: Int, mlpHiddenWidth: Int,
                mlpKind: TransformerMLP.Kind = .plain, activation: TokenActivation = .gelu, qkvBias: Bool = true,
                layerScale: Bool = false, classToken: Bool = true, registerTokens: Int = 0,
                positionEmbeddingIncludesPrefix: Bool = true, pooling: TokenPooling = .classToken,
                normAfterPooling: Bool = false, attentionalPooler: AttentionalPoolerShape? = nil,
                normEpsilon: Float = 1e-6, inputChannels: Int = 3) {
        self.imageSize = imageSize
        self.patchSize = patchSize
        self.width = width
        self.depth = depth
        self.heads = heads
        self.mlpHiddenWidth = mlpHiddenWidth
        self.mlpKind = mlpKind
        self.activation = activation
        self.qkvBias = qkvBias
        self.layerScale = layerScale
        self.classToken = classToken
        self.registerTokens = registerTokens
        self.positionEmbeddingIncludesPrefix = positionEmbeddingIncludesPrefix
        self.pooling = pooling
        self.normAfterPooling = normAfterPooling
        self.attentionalPooler = attentionalPooler
        self.normEpsilon = normEpsilon
        self.inputChannels = inputChannels
    }

    /// `int(width · ratio)`, timm's hidden width for an `mlp_ratio` (computed in double
    /// precision like Python, so 1536 · 5.33334 gives 8192).
    public static func hiddenWidth(width: Int, ratio: Double) -> Int {
        Int((Double(width) * ratio).rounded(.towardZero))
    }

    /// Class and register tokens before the patch tokens.
    public var prefixTokens: Int { (classToken ? 1 : 0) + registerTokens }

    /// Patches per side at the native image size.
    public var gridSide: Int { imageSize / patchSize }

    /// Rows of `pos_embed`.
    public var positionEmbeddingTokens: Int {
        gridSide * gridSide + (positionEmbeddingIncludesPrefix ? prefixTokens : 0)
    }

    /// Width of `mlp.fc2`'s input.
    public var mlpInnerWidth: Int { mlpKind == .plain ? mlpHiddenWidth : mlpHiddenWidth / 2 }

    /// Features per image.
    public var outputWidth: Int {
        switch pooling {
        case .classToken, .meanPatchTokens: return width
        case .classTokenAndMeanPatchTokens: return 2 * width
        case .attentionalPooler: return attentionalPooler?.width ?? width
        }
    }

    /// Why the configuration cannot be built, or nil when it can.
    public var problem: String? {
        if imageSize < 1 || patchSize < 1 || width < 1 || depth < 0 || heads < 1 || mlpHiddenWidth < 1 || inputChannels < 1 {
            return "sizes must be positive"
        }
        if imageSize < patchSize { return "image size \(imageSize) is smaller than the patch size \(patchSize)" }
        if width % heads != 0 { return "\(heads) heads do not divide width \(width)" }
        if mlpKind == .packedGLU && mlpHiddenWidth % 2 != 0 { return "packed SwiGLU needs an even hidden width, got \(mlpHiddenWidth)" }
        if registerTokens < 0 { return "register tokens must not be negative" }
        if !classToken && pooling != .meanPatchTokens { return "pooling \(pooling.rawValue) needs a class token" }
        if normAfterPooling && pooling != .meanPatchTokens { return "a norm after pooling (fc_norm) needs mean pooling" }
        if (pooling == .attentionalPooler) != (attentionalPooler != nil) {
            return "an attentional pooler needs attn-pool pooling, and attn-pool pooling a pooler"
        }
        if let pooler = attentionalPooler {
            if pooler.width < 1 || pooler.heads < 1 { return "the attentional pooler's sizes must be positive" }
            if pooler.width % pooler.heads != 0 { return "\(pooler.heads) pooler heads do not divide its width \(pooler.width)" }
        }
        return nil
    }

    /// Every parameter name of the timm `state_dict` with its shape (no classifier `head`).
    public var expectedParameters: [String: [Int]] {
        var shapes: [String: [Int]] = [
            "patch_embed.proj.weight": [width, inputChannels, patchSize, patchSize],
            "patch_embed.proj.bias": [width],
            "pos_embed": [1, positionEmbeddingTokens, width],
        ]
        if classToken { shapes["cls_token"] = [1, 1, width] }
        if registerTokens > 0 { shapes["reg_token"] = [1, registerTokens, width] }
        for block in 0..<depth {
            let prefix = "blocks.\(block)."
            shapes[prefix + "norm1.weight"] = [width]
            shapes[prefix + "norm1.bias"] = [width]
            shapes[prefix + "attn.qkv.weight"] = [3 * width, width]
            if qkvBias { shapes[prefix + "attn.qkv.bias"] = [3 * width] }
            shapes[prefix + "attn.proj.weight"] = [width, width]
            shapes[prefix + "attn.proj.bias"] = [width]
            shapes[prefix + "norm2.weight"] = [width]
            shapes[prefix + "norm2.bias"] = [width]
            shapes[prefix + "mlp.fc1.weight"] = [mlpHiddenWidth, width]
            shapes[prefix + "mlp.fc1.bias"] = [mlpHiddenWidth]
            shapes[prefix + "mlp.fc2.weight"] = [width, mlpInnerWidth]
            shapes[prefix + "mlp.fc2.bias"] = [width]
            if layerScale {
                shapes[prefix + "ls1.gamma"] = [width]
                shapes[prefix + "ls2.gamma"] = [width]
            }
        }
        let norm = normAfterPooling ? "fc_norm" : "norm"
        shapes[norm + ".weight"] = [width]
        shapes[norm + ".bias"] = [width]
        if let pooler = attentionalPooler {
            let d = pooler.width, prefix = AttentionalPoolerShape.prefix
            shapes[prefix + "query"] = [1, d]
            shapes[prefix + "ln_q.weight"] = [d]
            shapes[prefix + "ln_q.bias"] = [d]
            shapes[prefix + "ln_k.weight"] = [width]
            shapes[prefix + "ln_k.bias"] = [width]
            shapes[prefix + "attn.q_proj_weight"] = [d, d]
            shapes[prefix + "attn.k_proj_weight"] = [d, width]
            shapes[prefix + "attn.v_proj_weight"] = [d, width]
            shapes[prefix + "attn.in_proj_bias"] = [3 * d]
            shapes[prefix + "attn.out_proj.weight"] = [d, d]
            shapes[prefix + "attn.out_proj.bias"] = [d]
            shapes[AttentionalPoolerShape.normName + ".weight"] = [d]
            shapes[AttentionalPoolerShape.normName + ".bias"] = [d]
        }
        return shapes
    }

    /// Multiply-accumulates per image at `imageSize` (projections, attention products, patch
    /// embedding; norms and activations not counted).
    public func multiplyAccumulates(imageSize side: Int) -> Int {
        let patches = (side / patchSize) * (side / patchSize)
        let tokens = patches + prefixTokens
        let perBlock = tokens * width * (3 * width + width + mlpHiddenWidth + mlpInnerWidth) + 2 * tokens * tokens * width
        let pooler = attentionalPooler.map { tokens * (width * 2 * $0.width + 2 * $0.width) + $0.width * $0.width } ?? 0
        return depth * perBlock + patches * width * inputChannels * patchSize * patchSize + pooler
    }
}
