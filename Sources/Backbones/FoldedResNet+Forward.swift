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
        var buffers = workspace.activations
        let context = workspace.context
        inputReorder.run(input, batch: batch, channels: configuration.inputChannels, height: height, width: width,
                         into: buffers[0], context: context)
        stem.apply(buffers[0], batch: batch, height: height, width: width, into: buffers[1],
                   residual: nil, relu: true, context: context)
        var (h, w) = stem.outputSize(height: height, width: width)
        var c = stem.outputChannels
        maxPool.run(buffers[1], batch: batch, height: h, width: w, channels: c, into: buffers[0], context: context)
        (h, w) = maxPool.outputSize(height: h, width: w)
        for block in blocks {
            let (x, t1, t2, shortcutBuffer) = (buffers[0], buffers[1], buffers[2], buffers[3])
            var residual = UnsafePointer(x)
            if let downsample = block.downsample {
                downsample.apply(x, batch: batch, height: h, width: w, into: shortcutBuffer, residual: nil, relu: false,
                                 context: context)
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
                           relu: true, context: context)
                (bh, bw) = conv.outputSize(height: bh, width: bw)
                current = UnsafePointer(target)
                c = conv.outputChannels
            }
            if block.downsample != nil { buffers.swapAt(0, 3) }
            (h, w) = (bh, bw)
        }
        // Global average pool (NHWC) into the classifier input or the output.
        let features = c
        let pooled: UnsafeMutablePointer<Float> = classifier == nil ? output : workspace.pooled
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
        if let classifier {
            classifier.run(pooled, inputStride: features, rows: batch, into: output, outputStride: classifier.outputWidth,
                           threads: workers)
        }
    }
}
