import Foundation
import NN
import Tensor
import Transformer

/// How a `FoldedResNet` spreads one batch over CPU cores.
public enum InferenceThreading: Sendable {
    /// One kernel call per layer over the whole batch (or micro-batch), run by all workers
    /// (oneDNN's OpenMP threads, for every layer from the input reorder to the classifier).
    case blasThreads
    /// The batch is split into one contiguous share per worker, each run with single-threaded
    /// kernels and its own workspace (falls back to `blasThreads` when the batch is smaller than
    /// the worker count).
    case splitBatch
}

/// The inference fast path of a `ResNet`: batch norm folded into each convolution, activations
/// kept channels-last (NHWC) so every convolution is one oneDNN kernel with a fused
/// bias/residual/ReLU epilogue, and scratch buffers reused between calls. Everything but the
/// global average pool runs on oneDNN (input reorder, convolutions, max pool, classifier), so a
/// forward on several threads runs on one OpenMP team throughout, with no other thread pool
/// (OpenBLAS's, Dispatch's) waking or spinning between its layers.
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

    /// Rewrites the NCHW input as NHWC for the stem.
    let inputReorder = DNNLChannelsLastReorder()
    let stem: FoldedConvolution
    /// The 3×3 stride-2 max pool after the stem.
    let maxPool = DNNLMaxPooling(kernel: 3, stride: 2, padding: 1)
    let blocks: [FoldedBlock]
    /// `fc` on oneDNN (weights packed once, bias fused), or nil for a truncated model.
    let classifier: PackedMatmul?
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
        classifier = model.fc.map { fc in
            PackedMatmul(weight: fc.weight.value.storage, inputWidth: fc.inputFeatures, outputWidth: fc.outputFeatures,
                         bias: fc.bias?.value.storage ?? [Float](repeating: 0, count: fc.outputFeatures))
        }
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
        // Both branches set the OpenMP team size of the calling thread (concurrentPerform runs one
        // share on it); the caller's own setting is restored, so kernels it builds later (training
        // convolutions split their work when they are created) keep their team.
        let callersThreads = DNNL.threadsForCallingThread
        defer { DNNL.threadsForCallingThread = callersThreads }
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
                    DNNL.threadsForCallingThread = workers
                    runRange(0, batch, workspace: workspaces[0], workers: workers)
                } else {
                    DispatchQueue.concurrentPerform(iterations: shares) { share in
                        DNNL.threadsForCallingThread = 1
                        runRange(batch * share / shares, batch * (share + 1) / shares, workspace: workspaces[share], workers: 1)
                    }
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
        if let classifier { total += classifier.inputWidth * classifier.outputWidth }
        return total
    }

    /// Visits every convolution with the spatial size of its input, in execution order.
    private func walk(height: Int, width: Int, _ visit: (FoldedConvolution, Int, Int) -> Void) {
        visit(stem, height, width)
        var (h, w) = stem.outputSize(height: height, width: width)
        (h, w) = maxPool.outputSize(height: h, width: w)
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
