import NN
import Tensor

/// One residual block after folding: the main-branch convolutions (ReLU after all but the last)
/// and the optional projection shortcut.
struct FoldedBlock {
    let convolutions: [FoldedConvolution]
    let downsample: FoldedConvolution?

    init(_ layer: any Layer) {
        if let block = layer as? BasicBlock {
            convolutions = [FoldedConvolution(convolution: block.conv1, batchNorm: block.bn1),
                            FoldedConvolution(convolution: block.conv2, batchNorm: block.bn2)]
            downsample = block.downsample.map(FoldedBlock.shortcut)
        } else if let block = layer as? Bottleneck {
            convolutions = [FoldedConvolution(convolution: block.conv1, batchNorm: block.bn1),
                            FoldedConvolution(convolution: block.conv2, batchNorm: block.bn2),
                            FoldedConvolution(convolution: block.conv3, batchNorm: block.bn3)]
            downsample = block.downsample.map(FoldedBlock.shortcut)
        } else {
            preconditionFailure("FoldedResNet supports BasicBlock and Bottleneck stages only")
        }
    }

    private static func shortcut(_ sequential: Sequential) -> FoldedConvolution {
        guard let conv = sequential.children.first?.layer as? Conv2d, let bn = sequential.children.last?.layer as? BatchNorm2d else {
            preconditionFailure("ResNet downsample must be Sequential(Conv2d, BatchNorm2d)")
        }
        return FoldedConvolution(convolution: conv, batchNorm: bn)
    }
}

extension FoldedResNet {
    /// Runs `batch` NCHW images through the folded network using `workspace`, writing
    /// [batch, outputWidth] to `output`.
    func run(_ input: UnsafePointer<Float>, batch: Int, height: Int, width: Int,
             workspace: InferenceWorkspace, workers: Int, into output: UnsafeMutablePointer<Float>) {
        let channels = configuration.inputChannels
        var buffers = workspace.activations
        // NCHW → NHWC into buffer 0.
        let plane = height * width
        ParallelFor.run(batch * plane, workers: workers, minimumPerChunk: 4096) { range in
            for index in range {
                let n = index / plane, p = index % plane
                for c in 0..<channels { buffers[0][index * channels + c] = input[(n * channels + c) * plane + p] }
            }
        }
        stem.apply(buffers[0], batch: batch, height: height, width: width, into: buffers[1],
                   residual: nil, relu: true, context: workspace.context)
        var (h, w) = stem.outputSize(height: height, width: width)
        var c = stem.outputChannels
        let (ph, pw) = ((h + 2 - 3) / 2 + 1, (w + 2 - 3) / 2 + 1)
        maxPool3x3(buffers[1], batch: batch, height: h, width: w, channels: c, into: buffers[0], workers: workers)
        (h, w) = (ph, pw)
        for block in blocks {
            let (x, t1, t2, shortcutBuffer) = (buffers[0], buffers[1], buffers[2], buffers[3])
            var residual = UnsafePointer(x)
            if let downsample = block.downsample {
                downsample.apply(x, batch: batch, height: h, width: w, into: shortcutBuffer, residual: nil, relu: false,
                                 context: workspace.context)
                residual = UnsafePointer(shortcutBuffer)
            }
            var current = UnsafePointer(x)
            var (bh, bw) = (h, w)
            let free = [t1, t2]
            // The last convolution adds onto the residual where it lies (the block input, which no
            // later convolution of the block reads, or the projection), so it needs no copy.
            let blockOutput = block.downsample == nil ? x : shortcutBuffer
            for (index, conv) in block.convolutions.enumerated() {
                let isLast = index == block.convolutions.count - 1
                let target = isLast ? blockOutput : free[index % 2]
                conv.apply(current, batch: batch, height: bh, width: bw, into: target, residual: isLast ? residual : nil,
                           relu: true, context: workspace.context)
                (bh, bw) = conv.outputSize(height: bh, width: bw)
                current = UnsafePointer(target)
                c = conv.outputChannels
            }
            if block.downsample != nil { buffers.swapAt(0, 3) }
            (h, w) = (bh, bw)
        }
        // Global average pool (NHWC) into the classifier input or the output.
        let features = c
        let pooled: UnsafeMutablePointer<Float> = classifierWeight == nil ? output : workspace.pooled
        let scale = 1 / Float(h * w)
        for n in 0..<batch {
            let destination = pooled + n * features
            destination.update(repeating: 0, count: features)
            for p in 0..<(h * w) {
                let source = buffers[0] + (n * h * w + p) * features
                for k in 0..<features { destination[k] += source[k] }
            }
            for k in 0..<features { destination[k] *= scale }
        }
        guard let weight = classifierWeight, let bias = classifierBias else { return }
        let classes = bias.count
        weight.withUnsafeBufferPointer { w in
            BLAS.gemm(transposeB: true, m: batch, n: classes, k: features, a: pooled, lda: features,
                      b: w.baseAddress!, ldb: features, c: output, ldc: classes)
        }
        for n in 0..<batch {
            for k in 0..<classes { output[n * classes + k] += bias[k] }
        }
    }

    /// 3×3 stride-2 padding-1 max pool on NHWC (padding never wins, as −∞).
    private func maxPool3x3(_ input: UnsafePointer<Float>, batch: Int, height: Int, width: Int, channels: Int,
                            into output: UnsafeMutablePointer<Float>, workers: Int) {
        let oh = (height + 2 - 3) / 2 + 1, ow = (width + 2 - 3) / 2 + 1
        ParallelFor.run(batch * oh, workers: workers, minimumPerChunk: 2) { range in
            for line in range {
                let n = line / oh, oy = line % oh
                for ox in 0..<ow {
                    let destination = output + (line * ow + ox) * channels
                    destination.update(repeating: -.infinity, count: channels)
                    for iy in max(0, oy * 2 - 1)...min(height - 1, oy * 2 + 1) {
                        for ix in max(0, ox * 2 - 1)...min(width - 1, ox * 2 + 1) {
                            let source = input + ((n * height + iy) * width + ix) * channels
                            for k in 0..<channels { destination[k] = max(destination[k], source[k]) }
                        }
                    }
                }
            }
        }
    }
}
