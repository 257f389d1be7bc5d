import Foundation
import NN
import Tensor

/// How a `FoldedResNet` spreads one batch over CPU cores.
public enum InferenceThreading: Sendable {
    /// One kernel call per layer over the whole batch (or micro-batch), run by all workers
    /// (oneDNN's OpenMP threads; OpenBLAS's for the classifier).
    case blasThreads
    /// The batch is split into one contiguous share per worker, each run with single-threaded
    /// kernels and its own workspace (falls back to `blasThreads` when the batch is smaller than
    /// the worker count).
    case splitBatch
}

/// The inference fast path of a `ResNet`: batch norm folded into each convolution, activations
/// kept channels-last (NHWC) so every convolution is one gemm with a fused bias/residual/ReLU
/// epilogue, and scratch buffers reused between calls.
///
/// Built from a model's current weights and running statistics (eval semantics); later changes to
/// the source model are not seen. Results equal `ResNet.forward(_:mode: .inference)` to float
/// rounding. Not thread-safe: one instance per thread (its workspaces are reused).
public final class FoldedResNet {
    public let configuration: ResNetConfiguration
    /// Cores used per call (default: all active processors).
    public let workers: Int
    public let threading: InferenceThreading
    /// Images pushed through the network together. Small groups keep each layer's activations
    /// and patch matrix in cache: measured on two cores, ResNet-50 ran 11 images/s one image at a
    /// time but 5–7 images/s with all 32 images of a batch per layer.
    public let microBatch: Int

    let stem: FoldedConvolution
    let blocks: [FoldedBlock]
    let classifierWeight: [Float]?
    let classifierBias: [Float]?
    private var workspaces: [InferenceWorkspace] = []
    private var workspaceKey: [Int] = []

    /// Folds `model` (its current weights and running statistics).
    public init(_ model: ResNet, workers: Int = ParallelFor.workerCount, threading: InferenceThreading = .splitBatch,
                microBatch: Int = 1) {
        configuration = model.configuration
        self.workers = max(1, workers)
        self.threading = threading
        self.microBatch = max(1, microBatch)
        stem = FoldedConvolution(convolution: model.conv1, batchNorm: model.bn1)
        blocks = model.stages.flatMap { stage in stage.children.map { FoldedBlock($0.layer) } }
        classifierWeight = model.fc?.weight.value.storage
        classifierBias = model.fc.map { $0.bias?.value.storage ?? [Float](repeating: 0, count: $0.outputFeatures) }
    }

    /// [N, inputChannels, H, W] (NCHW, as `ResNet`) → [N, configuration.outputWidth].
    public func forward(_ input: Tensor) -> Tensor {
        precondition(input.rank == 4 && input.shape[1] == configuration.inputChannels,
                     "FoldedResNet expects [N, \(configuration.inputChannels), H, W], got \(input.shape)")
        let batch = input.shape[0], height = input.shape[2], width = input.shape[3]
        var output = Tensor(shape: [batch, configuration.outputWidth])
        guard batch > 0 else { return output }
        let shares = threading == .splitBatch ? min(workers, batch) : 1
        prepareWorkspaces(shares: shares, batch: min(microBatch, batch), height: height, width: width)
        let imageSize = configuration.inputChannels * height * width
        let outputWidth = configuration.outputWidth
        input.withUnsafeBufferPointer { source in
            output.withUnsafeMutableBufferPointer { destination in
                let source = source.baseAddress!, destination = destination.baseAddress!
                // Runs images start..<end in groups of at most `microBatch`.
                func runRange(_ start: Int, _ end: Int, workspace: InferenceWorkspace, workers: Int) {
                    var first = start
                    while first < end {
                        let count = min(microBatch, end - first)
                        run(source + first * imageSize, batch: count, height: height, width: width, workspace: workspace,
                            workers: workers, into: destination + first * outputWidth)
                        first += count
                    }
                }
                if shares == 1 {
                    BLAS.threadCount = workers
                    DNNL.threadsForCallingThread = workers
                    runRange(0, batch, workspace: workspaces[0], workers: workers)
                } else {
                    BLAS.threadCount = 1
                    DispatchQueue.concurrentPerform(iterations: shares) { share in
                        DNNL.threadsForCallingThread = 1
                        runRange(batch * share / shares, batch * (share + 1) / shares, workspace: workspaces[share], workers: 1)
                    }
                    BLAS.threadCount = workers
                }
            }
        }
        return output
    }

    /// Multiply-accumulates per image of `height`×`width` (convolutions and fc; pooling, bias and
    /// residual additions are not counted). ResNet-50 at 224×224: ≈ 4.1 G.
    public func multiplyAccumulates(height: Int, width: Int) -> Int {
        var total = 0
        walk(height: height, width: width) { conv, h, w in
            let (oh, ow) = conv.outputSize(height: h, width: w)
            total += oh * ow * conv.patchSize * conv.outputChannels
        }
        if let classifierWeight { total += classifierWeight.count }
        return total
    }

    /// Visits every convolution with the spatial size of its input, in execution order.
    private func walk(height: Int, width: Int, _ visit: (FoldedConvolution, Int, Int) -> Void) {
        visit(stem, height, width)
        var (h, w) = stem.outputSize(height: height, width: width)
        (h, w) = ((h + 2 - 3) / 2 + 1, (w + 2 - 3) / 2 + 1)
        for block in blocks {
            var (bh, bw) = (h, w)
            for conv in block.convolutions {
                visit(conv, bh, bw)
                (bh, bw) = conv.outputSize(height: bh, width: bw)
            }
            if let shortcut = block.downsample { visit(shortcut, h, w) }
            (h, w) = (bh, bw)
        }
    }

    private func prepareWorkspaces(shares: Int, batch: Int, height: Int, width: Int) {
        let key = [shares, batch, height, width]
        guard key != workspaceKey else { return }
        var activation = batch * height * width * configuration.inputChannels
        walk(height: height, width: width) { conv, h, w in
            let (oh, ow) = conv.outputSize(height: h, width: w)
            activation = max(activation, batch * oh * ow * conv.outputChannels)
        }
        let pooled = batch * 8 * configuration.baseWidth * configuration.depth.expansion
        workspaces = (0..<shares).map { _ in InferenceWorkspace(activationCapacity: activation, pooledCapacity: pooled) }
        workspaceKey = key
    }
}
