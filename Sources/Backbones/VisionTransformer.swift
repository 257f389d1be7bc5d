import NN
import Tensor
import Transformer

/// One pre-norm transformer block: `x += ls1 · attn(norm1(x))`, `x += ls2 · mlp(norm2(x))` (the
/// layer scales and residual additions are fused into `proj` and `fc2`).
struct TransformerBlock: Sendable {
    let norm1: LayerNorm
    let attention: MultiHeadSelfAttention
    let norm2: LayerNorm
    let mlp: TransformerMLP
}

/// A timm-compatible Vision Transformer for inference: patch embedding (a strided convolution),
/// class and register tokens, absolute position embeddings (resampled for other input sizes as
/// timm's `dynamic_img_size`), pre-norm blocks with fused-qkv attention and a GELU MLP or packed
/// SwiGLU, LayerScale, a final norm, and class-token / mean-patch / concatenated pooling or a
/// CoCa attentional pooler (CONCH).
///
/// Every projection is one oneDNN matmul over all tokens of the batch with its weight packed once
/// (the per-head attention products are small OpenBLAS gemms). Memory beyond the weights: about
/// `batch · tokens · (6 · width + mlpHiddenWidth)` floats plus one `tokens²` score matrix per
/// thread, reused between calls. Not thread-safe: one instance per thread.
public final class VisionTransformer {
    /// The architecture.
    public let configuration: VisionTransformerConfiguration
    /// Threads for gemms and pointwise passes.
    public let workers: Int

    let patchWeight: [Float]
    let patchBias: [Float]
    let classToken: [Float]?
    let registerTokens: [Float]?
    let positionEmbedding: [Float]
    let blocks: [TransformerBlock]
    let finalNorm: LayerNorm
    let attentionalPooler: AttentionalPooler?
    let poolerNorm: LayerNorm?
    private var resampledPositions: (height: Int, width: Int, grid: [Float])?
    private var workspace: [Float] = []

    /// A model from timm `state_dict` tensors (names and shapes as
    /// `configuration.expectedParameters`; extra names are ignored).
    /// - Precondition: the configuration has no `problem` and every expected tensor is present
    ///   with its shape (`VisionTransformer.load` checks this and throws instead).
    public init(_ configuration: VisionTransformerConfiguration, parameters: [String: Tensor],
                workers: Int = ParallelFor.workerCount) {
        precondition(configuration.problem == nil, "invalid ViT configuration: \(configuration.problem ?? "")")
        for (name, shape) in configuration.expectedParameters {
            precondition(parameters[name]?.shape == shape, "parameter \(name) missing or not \(shape)")
        }
        self.configuration = configuration
        self.workers = max(1, workers)
        let c = configuration
        func values(_ name: String) -> [Float] { parameters[name]!.storage }
        func linear(_ name: String, bias: Bool = true, epilogue: PackedMatmul.Epilogue = .none) -> TokenLinear {
            TokenLinear(weight: parameters[name + ".weight"]!, bias: bias ? parameters[name + ".bias"]! : nil, epilogue: epilogue)
        }
        let fc1Epilogue: PackedMatmul.Epilogue = c.mlpKind == .plain && c.activation == .gelu ? .gelu : .none
        func norm(_ name: String) -> LayerNorm {
            LayerNorm(weight: values(name + ".weight"), bias: values(name + ".bias"), epsilon: c.normEpsilon)
        }
        patchWeight = values("patch_embed.proj.weight")
        patchBias = values("patch_embed.proj.bias")
        classToken = c.classToken ? values("cls_token") : nil
        registerTokens = c.registerTokens > 0 ? values("reg_token") : nil
        positionEmbedding = values("pos_embed")
        blocks = (0..<c.depth).map { index in
            let prefix = "blocks.\(index)."
            return TransformerBlock(
                norm1: norm(prefix + "norm1"),
                attention: MultiHeadSelfAttention(
                    heads: c.heads, qkv: linear(prefix + "attn.qkv", bias: c.qkvBias),
                    projection: linear(prefix + "attn.proj", epilogue: .scaledResidual(c.layerScale ? values(prefix + "ls1.gamma") : nil))),
                norm2: norm(prefix + "norm2"),
                mlp: TransformerMLP(kind: c.mlpKind, activation: c.activation, fc1: linear(prefix + "mlp.fc1", epilogue: fc1Epilogue),
                                    fc2: linear(prefix + "mlp.fc2", epilogue: .scaledResidual(c.layerScale ? values(prefix + "ls2.gamma") : nil))))
        }
        finalNorm = norm(c.normAfterPooling ? "fc_norm" : "norm")
        if let shape = c.attentionalPooler {
            let prefix = AttentionalPoolerShape.prefix
            func poolerNorm(_ name: String) -> LayerNorm {
                LayerNorm(weight: values(name + ".weight"), bias: values(name + ".bias"), epsilon: shape.normEpsilon)
            }
            attentionalPooler = AttentionalPooler(
                heads: shape.heads, query: values(prefix + "query"), queryNorm: poolerNorm(prefix + "ln_q"),
                keyNorm: poolerNorm(prefix + "ln_k"), queryWeight: parameters[prefix + "attn.q_proj_weight"]!,
                keyWeight: parameters[prefix + "attn.k_proj_weight"]!, valueWeight: parameters[prefix + "attn.v_proj_weight"]!,
                inputBias: values(prefix + "attn.in_proj_bias"), output: linear(prefix + "attn.out_proj"))
            self.poolerNorm = poolerNorm(AttentionalPoolerShape.normName)
        } else {
            attentionalPooler = nil
            poolerNorm = nil
        }
    }

    /// [N, channels, H, W] normalised images → [N, configuration.outputWidth] features.
    ///
    /// H and W need not equal the native image size: the patch grid is `H / patchSize` by
    /// `W / patchSize` (trailing pixels dropped, as the strided convolution does) and the position
    /// embeddings are resampled to it.
    public func forward(_ input: Tensor) -> Tensor {
        let c = configuration
        precondition(input.rank == 4 && input.shape[1] == c.inputChannels,
                     "VisionTransformer expects [N, \(c.inputChannels), H, W], got \(input.shape)")
        let batch = input.shape[0]
        let gridHeight = input.shape[2] / c.patchSize, gridWidth = input.shape[3] / c.patchSize
        precondition(gridHeight > 0 && gridWidth > 0, "input \(input.shape[2])x\(input.shape[3]) is smaller than a \(c.patchSize)px patch")
        var output = Tensor(shape: [batch, c.outputWidth])
        guard batch > 0 else { return output }
        let patches = gridHeight * gridWidth, tokens = c.prefixTokens + patches, rows = batch * tokens
        let width = c.width, hidden = c.mlpHiddenWidth
        let positions = positionGrid(height: gridHeight, width: gridWidth)
        let scoreThreads = max(1, min(workers, batch * c.heads))
        // tokens, normalised tokens, qkv (also the pooler's keys and values and the gated half of
        // a packed SwiGLU), context, hidden (also the pooler's output), scores, patch columns.
        let patchColumns = patches * c.inputChannels * c.patchSize * c.patchSize
        let qkvWidth = max(3 * width, 2 * (c.attentionalPooler?.width ?? 0), c.mlpKind == .packedGLU ? c.mlpInnerWidth : 0)
        let sizes = [rows * width, rows * width, rows * qkvWidth, rows * width, rows * hidden,
                     scoreThreads * tokens * tokens, patchColumns]
        let needed = sizes.reduce(0, +)
        if workspace.count < needed { workspace = [Float](repeating: 0, count: needed) }
        let savedThreads = BLAS.threadCount
        defer { BLAS.threadCount = savedThreads }
        BLAS.threadCount = workers
        input.withUnsafeBufferPointer { image in
            workspace.withUnsafeMutableBufferPointer { space in
                var cursor = space.baseAddress!
                var buffers: [UnsafeMutablePointer<Float>] = []
                for size in sizes {
                    buffers.append(cursor)
                    cursor += size
                }
                let x = buffers[0], normed = buffers[1], qkv = buffers[2], context = buffers[3]
                let hiddenBuffer = buffers[4], scores = buffers[5], columns = buffers[6]
                embed(image.baseAddress!, batch: batch, height: input.shape[2], width: input.shape[3],
                      gridHeight: gridHeight, gridWidth: gridWidth, positions: positions, columns: columns, into: x)
                for block in blocks {
                    block.norm1.apply(x, into: normed, rows: rows, workers: workers)
                    block.attention.apply(normed, batch: batch, tokens: tokens, qkvBuffer: qkv, context: context,
                                          scores: scores, into: x, workers: workers)
                    block.norm2.apply(x, into: normed, rows: rows, workers: workers)
                    block.mlp.apply(normed, rows: rows, hidden: hiddenBuffer, gated: qkv, into: x, workers: workers)
                }
                output.withUnsafeMutableBufferPointer { features in
                    pool(x, batch: batch, tokens: tokens, scratch: normed, poolerScratch: (qkv, context, hiddenBuffer),
                         into: features.baseAddress!)
                }
            }
        }
        return output
    }

    /// Multiply-accumulates per image of side `imageSize`.
    public func multiplyAccumulates(imageSize: Int) -> Int {
        configuration.multiplyAccumulates(imageSize: imageSize)
    }

    /// Patch embedding, prefix tokens and position embeddings into `x` ([batch · tokens, width]).
    private func embed(_ image: UnsafePointer<Float>, batch: Int, height: Int, width imageWidth: Int,
                       gridHeight: Int, gridWidth: Int, positions: [Float],
                       columns: UnsafeMutablePointer<Float>, into x: UnsafeMutablePointer<Float>) {
        let c = configuration, width = c.width, p = c.patchSize, channels = c.inputChannels
        let patches = gridHeight * gridWidth, tokens = c.prefixTokens + patches, patchLength = channels * p * p
        let plane = height * imageWidth
        patchWeight.withUnsafeBufferPointer { weight in
            for n in 0..<batch {
                let source = image + n * channels * plane
                // One row per patch, ordered (channel, ky, kx) like the convolution's weight.
                ParallelFor.run(patches, workers: workers, minimumPerChunk: 8) { range in
                    for patch in range {
                        let py = patch / gridWidth, px = patch % gridWidth
                        var target = columns + patch * patchLength
                        for channel in 0..<channels {
                            for ky in 0..<p {
                                target.update(from: source + channel * plane + (py * p + ky) * imageWidth + px * p, count: p)
                                target += p
                            }
                        }
                    }
                }
                let first = x + (n * tokens + c.prefixTokens) * width
                BLAS.gemm(transposeB: true, m: patches, n: width, k: patchLength, a: columns, lda: patchLength,
                          b: weight.baseAddress!, ldb: patchLength, c: first, ldc: width)
            }
        }
        // Prefix tokens, then position embeddings (over prefix and patches, or patches only).
        let prefixValues = (classToken ?? []) + (registerTokens ?? [])
        let positionRows = c.positionEmbeddingIncludesPrefix ? tokens : patches
        let positionStart = tokens - positionRows
        ParallelFor.run(batch * tokens, workers: workers, minimumPerChunk: 64) { range in
            for row in range {
                let token = row % tokens
                let target = x + row * width
                if token < c.prefixTokens {
                    for j in 0..<width { target[j] = prefixValues[token * width + j] }
                } else {
                    for j in 0..<width { target[j] += patchBias[j] }
                }
                if token >= positionStart {
                    let source = (token - positionStart) * width
                    for j in 0..<width { target[j] += positions[source + j] }
                }
            }
        }
    }

    /// The position embeddings for a grid, resampled (and cached) when it is not the native one.
    /// Rows: prefix tokens first when they are covered, then the grid row by row.
    private func positionGrid(height: Int, width: Int) -> [Float] {
        let c = configuration
        let native = c.gridSide
        let prefixRows = c.positionEmbeddingIncludesPrefix ? c.prefixTokens : 0
        // timm returns the table unchanged when the token count matches and the grid is square.
        if height == width && height * width == native * native { return positionEmbedding }
        if let cached = resampledPositions, cached.height == height, cached.width == width { return cached.grid }
        let prefix = Array(positionEmbedding[0..<(prefixRows * c.width)])
        let grid = Array(positionEmbedding[(prefixRows * c.width)...])
        let resampled = prefix + PositionEmbeddingResampler.resample(grid, height: native, width: native, channels: c.width,
                                                                      newHeight: height, newWidth: width)
        resampledPositions = (height, width, resampled)
        return resampled
    }

    /// Final norm and pooling of each image's tokens into `features`.
    /// `poolerScratch` is used by the attentional pooler only: keys and values (batch · tokens ·
    /// 2 · pooler width), its context and its output (batch · pooler width each).
    private func pool(_ x: UnsafeMutablePointer<Float>, batch: Int, tokens: Int, scratch: UnsafeMutablePointer<Float>,
                      poolerScratch: (UnsafeMutablePointer<Float>, UnsafeMutablePointer<Float>, UnsafeMutablePointer<Float>),
                      into features: UnsafeMutablePointer<Float>) {
        let c = configuration, width = c.width, outputWidth = c.outputWidth
        if c.normAfterPooling {
            meanOfPatches(x, batch: batch, tokens: tokens, into: scratch)
            finalNorm.apply(scratch, into: features, rows: batch, workers: workers)
            return
        }
        switch c.pooling {
        case .attentionalPooler:
            guard let pooler = attentionalPooler, let poolerNorm else { preconditionFailure("attn-pool without a pooler") }
            finalNorm.apply(x, into: x, rows: batch * tokens, workers: workers)
            let (keysAndValues, context, pooled) = poolerScratch
            pooler.apply(x, batch: batch, tokens: tokens, normalised: scratch, keysAndValues: keysAndValues,
                         context: context, into: pooled, workers: workers)
            poolerNorm.apply(pooled, into: features, rows: batch, workers: workers)
        case .classToken:
            for n in 0..<batch {
                finalNorm.apply(x + n * tokens * width, into: features + n * outputWidth, rows: 1, workers: 1)
            }
        case .meanPatchTokens, .classTokenAndMeanPatchTokens:
            finalNorm.apply(x, into: x, rows: batch * tokens, workers: workers)
            meanOfPatches(x, batch: batch, tokens: tokens, into: scratch)
            let meanOffset = c.pooling == .meanPatchTokens ? 0 : width
            for n in 0..<batch {
                if c.pooling == .classTokenAndMeanPatchTokens {
                    (features + n * outputWidth).update(from: x + n * tokens * width, count: width)
                }
                (features + n * outputWidth + meanOffset).update(from: scratch + n * width, count: width)
            }
        }
    }

    /// The mean of each image's patch tokens (prefix tokens excluded) into `means` ([batch, width]),
    /// accumulated in double precision.
    private func meanOfPatches(_ x: UnsafePointer<Float>, batch: Int, tokens: Int, into means: UnsafeMutablePointer<Float>) {
        let width = configuration.width, prefix = configuration.prefixTokens, patches = tokens - prefix
        ParallelFor.run(batch, workers: workers) { range in
            var sums = [Double](repeating: 0, count: width)
            for n in range {
                for j in 0..<width { sums[j] = 0 }
                for token in prefix..<tokens {
                    let row = x + (n * tokens + token) * width
                    for j in 0..<width { sums[j] += Double(row[j]) }
                }
                for j in 0..<width { means[n * width + j] = Float(sums[j] / Double(patches)) }
            }
        }
    }
}
