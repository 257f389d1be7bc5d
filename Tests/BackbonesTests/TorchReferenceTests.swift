import Backbones
import Foundation
import NN
import Tensor
import XCTest

/// Our ResNets against PyTorch, on the fixtures made by `Tests/Fixtures/make_resnet_fixtures.py`
/// (same weights, same inputs; see `Tests/Fixtures/README.md`).
///
/// Tolerances, relative to the largest magnitude of the reference tensor: eval outputs 1e-4
/// (the fixtures' own float32-vs-float64 spread is 2.7e-6; our gemm and folding sum in other
/// orders, which adds a few ulps per layer over ~20 layers); training-mode logits, loss,
/// gradients and updated weights 1e-3, because batch norm over 8 images (down to 8 values per
/// channel in layer4) divides by small batch standard deviations and amplifies rounding.
final class TorchReferenceTests: XCTestCase {
    private static let fixtures = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("Fixtures/resnet")

    private func archive(_ name: String) throws -> SafeTensorsArchive {
        try SafeTensorsArchive.read(contentsOf: Self.fixtures.appendingPathComponent(name))
    }

    /// Every float tensor of a weights file (the I64 `num_batches_tracked` counters are kept as
    /// zero scalars: the loader must accept and ignore them).
    private func weights(_ name: String) throws -> [String: Tensor] {
        let file = try archive(name)
        var state: [String: Tensor] = [:]
        for key in file.names {
            state[key] = StateDictionary.isBatchNormCounter(key) ? Tensor(shape: []) : try file.tensor(named: key)
        }
        return state
    }

    private func assertClose(_ actual: Tensor, _ expected: Tensor, relative tolerance: Float, _ what: String,
                             file: StaticString = #filePath, line: UInt = #line) {
        XCTAssertEqual(actual.shape, expected.shape, what, file: file, line: line)
        guard actual.shape == expected.shape else { return }
        let scale = max(expected.storage.map(abs).max() ?? 0, 1e-6)
        let error = actual.maxAbsoluteDifference(to: expected)
        XCTAssertLessThanOrEqual(error, tolerance * scale, "\(what): max error \(error) for scale \(scale)", file: file, line: line)
    }

    private func loaded(_ configuration: ResNetConfiguration, _ state: [String: Tensor]) throws -> ResNet {
        let model = ResNet(configuration, seed: 99)
        try model.load(torchvisionState: state)
        return model
    }

    func testResNet18EvalOutputsAndFeatures() throws {
        let state = try weights("resnet18_tiny_weights.safetensors")
        let io = try archive("resnet18_tiny_io.safetensors")
        let input = try io.tensor(named: "input")
        let classifier = try loaded(ResNetConfiguration(depth: .resnet18, baseWidth: 8, head: .classifier(classes: 10)), state)
        let logits = try io.tensor(named: "logits")
        assertClose(classifier.forward(input, mode: .inference), logits, relative: 1e-4, "logits")
        assertClose(FoldedResNet(classifier).forward(input), logits, relative: 1e-4, "folded logits")
        let features = try loaded(ResNetConfiguration(depth: .resnet18, baseWidth: 8, head: .featuresBeforeClassifier), state)
        assertClose(FoldedResNet(features).forward(input), try io.tensor(named: "features"), relative: 1e-4, "features")
    }

    func testResNet50EvalOutputsFeaturesAndCLAMTruncation() throws {
        let state = try weights("resnet50_tiny_weights.safetensors")
        let io = try archive("resnet50_tiny_io.safetensors")
        let input = try io.tensor(named: "input")
        let classifier = try loaded(ResNetConfiguration(depth: .resnet50, baseWidth: 4, head: .classifier(classes: 10)), state)
        let logits = try io.tensor(named: "logits")
        assertClose(classifier.forward(input, mode: .inference), logits, relative: 1e-4, "logits")
        assertClose(FoldedResNet(classifier, threading: .splitBatch).forward(input), logits, relative: 1e-4, "folded logits")
        let features = try loaded(ResNetConfiguration(depth: .resnet50, baseWidth: 4, head: .featuresBeforeClassifier), state)
        assertClose(FoldedResNet(features).forward(input), try io.tensor(named: "features"), relative: 1e-4, "features")
        let truncated = try loaded(ResNetConfiguration(depth: .resnet50, baseWidth: 4, head: .featuresAfterLayer3), state)
        let pooled = try io.tensor(named: "layer3_pooled")
        assertClose(truncated.forward(input, mode: .inference), pooled, relative: 1e-4, "layer3_pooled")
        assertClose(FoldedResNet(truncated).forward(input), pooled, relative: 1e-4, "folded layer3_pooled")
    }

    /// Loading straight from the safetensors file gives the same model as loading the tensors.
    func testLoadingFromTheSafetensorsFile() throws {
        let url = Self.fixtures.appendingPathComponent("resnet50_tiny_weights.safetensors")
        let truncated = ResNet(ResNetConfiguration(depth: .resnet50, baseWidth: 4, head: .featuresAfterLayer3))
        try truncated.load(contentsOf: url)
        let io = try archive("resnet50_tiny_io.safetensors")
        assertClose(FoldedResNet(truncated).forward(try io.tensor(named: "input")), try io.tensor(named: "layer3_pooled"),
                    relative: 1e-4, "layer3_pooled from file")
        let wrongWidth = ResNet(ResNetConfiguration(depth: .resnet50, baseWidth: 8, head: .featuresAfterLayer3))
        XCTAssertThrowsError(try wrongWidth.load(contentsOf: url)) { error in
            XCTAssertTrue("\(error)".contains("resnet50_tiny_weights.safetensors"), "\(error)")
            XCTAssertTrue("\(error)".contains("conv1.weight"), "\(error)")
        }
    }

    /// Two SGD steps (lr 0.1, momentum 0.9, weight decay 1e-4) on the same MNIST batch.
    func testMNISTTrainingStepsMatchPyTorch() throws {
        let model = try loaded(.mnist(baseWidth: 8), weights("resnet18_mnist_weights.safetensors"))
        let io = try archive("resnet18_mnist_train_step.safetensors")
        let input = try io.tensor(named: "input")
        let labels = try io.int64Values(named: "labels").map { Int($0) }
        let optimizer = SGD(parameters: model.parameters, learningRate: 0.1, momentum: 0.9, weightDecay: 1e-4)
        let named = Dictionary(uniqueKeysWithValues: model.namedParameters.map { ($0.name, $0.parameter) })
        let buffers = Dictionary(uniqueKeysWithValues: model.namedBuffers.map { ($0.name, $0.buffer) })
        let checked = ["conv1.weight", "bn1.weight", "layer4.1.bn2.weight", "fc.weight", "fc.bias"]
        for step in 1...2 {
            optimizer.zeroGradients()
            let logits = model.forward(input, mode: .training)
            assertClose(logits, try io.tensor(named: "step\(step).logits"), relative: 1e-3, "step \(step) logits")
            let loss = CrossEntropy.loss(logits: logits, classes: labels)
            XCTAssertEqual(loss.value, try io.tensor(named: "step\(step).loss").storage[0], accuracy: 1e-4)
            let inputGradient = model.backward(loss.gradient)
            assertClose(inputGradient, try io.tensor(named: "step\(step).input_grad"), relative: 1e-3, "step \(step) input gradient")
            for name in checked {
                assertClose(named[name]!.gradient, try io.tensor(named: "step\(step).grad.\(name)"), relative: 1e-3, "step \(step) grad \(name)")
            }
            optimizer.step()
            for name in checked {
                assertClose(named[name]!.value, try io.tensor(named: "step\(step).after.\(name)"), relative: 1e-4, "step \(step) \(name)")
            }
            for layer in ["bn1", "layer1.0.bn1"] {
                for statistic in ["running_mean", "running_var"] {
                    assertClose(buffers["\(layer).\(statistic)"]!.value, try io.tensor(named: "step\(step).after.\(layer).\(statistic)"),
                                relative: 1e-4, "step \(step) \(layer).\(statistic)")
                }
            }
        }
    }
}
