import Backbones
import NN
import Tensor
import XCTest

/// The folded NHWC path must equal the layer-by-layer NCHW eval forward. Tolerance 1e-4 relative
/// to the output scale: folding reorders float sums over up to a few hundred terms per layer.
final class FoldedResNetTests: XCTestCase {
    /// Random non-trivial batch-norm statistics so folding is actually exercised.
    private func randomiseBatchNorm(_ model: ResNet, seed: UInt64) {
        var generator = SeededGenerator(seed: seed)
        for (name, parameter) in model.namedParameters where parameter.value.rank == 1 && !name.hasPrefix("fc") {
            parameter.value = Tensor.uniform(parameter.value.shape, in: name.hasSuffix("weight") ? 0.5 : -0.2, name.hasSuffix("weight") ? 1.5 : 0.2, generator: &generator)
        }
        for (name, buffer) in model.namedBuffers {
            buffer.value = Tensor.uniform(buffer.value.shape, in: name.hasSuffix("var") ? 0.5 : -0.3, name.hasSuffix("var") ? 2 : 0.3, generator: &generator)
        }
    }

    private func assertFoldedMatches(_ configuration: ResNetConfiguration, input shape: [Int], threading: InferenceThreading,
                                     microBatch: Int = 1) {
        let model = ResNet(configuration, seed: 17)
        randomiseBatchNorm(model, seed: 18)
        var generator = SeededGenerator(seed: 19)
        let input = Tensor.normal(shape, generator: &generator)
        let expected = model.forward(input, mode: .inference)
        let folded = FoldedResNet(model, workers: 2, threading: threading, microBatch: microBatch)
        let scale = expected.storage.map(abs).max()!
        for _ in 0..<2 {  // the second call reuses the workspace
            let actual = folded.forward(input)
            XCTAssertEqual(actual.shape, expected.shape)
            XCTAssertLessThan(actual.maxAbsoluteDifference(to: expected), 1e-4 * scale, "\(configuration.depth) \(threading)")
        }
    }

    func testFoldedResNet18() {
        assertFoldedMatches(ResNetConfiguration(depth: .resnet18, baseWidth: 8), input: [3, 3, 48, 40], threading: .blasThreads)
        assertFoldedMatches(ResNetConfiguration(depth: .resnet18, baseWidth: 8), input: [5, 3, 32, 32], threading: .splitBatch, microBatch: 2)
    }

    func testFoldedResNet50SplitBatchTruncated() {
        assertFoldedMatches(ResNetConfiguration(depth: .resnet50, baseWidth: 4, head: .featuresAfterLayer3), input: [3, 3, 40, 40], threading: .splitBatch)
        assertFoldedMatches(ResNetConfiguration(depth: .resnet50, baseWidth: 4, head: .featuresBeforeClassifier), input: [1, 3, 33, 33], threading: .splitBatch)
    }

    /// A forward leaves the calling thread's OpenMP team size as it found it: a split-batch forward
    /// once left it at 1, and every training convolution built after it on that thread ran on one core.
    func testForwardKeepsCallersThreadSetting() {
        let model = ResNet(ResNetConfiguration(depth: .resnet18, baseWidth: 4), seed: 3)
        var generator = SeededGenerator(seed: 4)
        let input = Tensor.normal([4, 3, 32, 32], generator: &generator)
        let callersThreads = DNNL.threadsForCallingThread
        DNNL.threadsForCallingThread = 3
        defer { DNNL.threadsForCallingThread = callersThreads }
        for threading in [InferenceThreading.splitBatch, .blasThreads] {
            _ = FoldedResNet(model, workers: 2, threading: threading).forward(input)
            XCTAssertEqual(DNNL.threadsForCallingThread, 3, "\(threading)")
        }
    }

    func testFoldedMNISTVariant() {
        assertFoldedMatches(.mnist(baseWidth: 8), input: [4, 1, 28, 28], threading: .blasThreads, microBatch: 3)
    }

    /// ResNet-50 at 224×224 is documented at ≈ 4.1 GMAC; ResNet-18 at ≈ 1.8 GMAC.
    func testMultiplyAccumulateCount() {
        let r50 = FoldedResNet(ResNet(ResNetConfiguration(depth: .resnet50)))
        XCTAssertEqual(Double(r50.multiplyAccumulates(height: 224, width: 224)) / 1e9, 4.09, accuracy: 0.03)
        let r18 = FoldedResNet(ResNet(ResNetConfiguration(depth: .resnet18)))
        XCTAssertEqual(Double(r18.multiplyAccumulates(height: 224, width: 224)) / 1e9, 1.82, accuracy: 0.03)
    }
}
