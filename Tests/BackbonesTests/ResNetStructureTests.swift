import Backbones
import NN
import Tensor
import XCTest

final class ResNetStructureTests: XCTestCase {
    /// Parameter counts of torchvision's resnet18/34/50 (documented on their model cards) and
    /// `state_dict` key counts without `num_batches_tracked` (122 − 20, 218 − 36, 320 − 53).
    func testFullWidthModelsMatchTorchvisionCounts() {
        for (depth, parameters, keys) in [(ResNetDepth.resnet18, 11_689_512, 102), (.resnet34, 21_797_672, 182), (.resnet50, 25_557_032, 267)] {
            let model = ResNet(ResNetConfiguration(depth: depth))
            XCTAssertEqual(model.parameters.map(\.value.count).reduce(0, +), parameters, "\(depth)")
            XCTAssertEqual(model.stateDictionary().count, keys, "\(depth)")
        }
    }

    func testTorchvisionKeyNames() {
        let names = Set(ResNet(ResNetConfiguration(depth: .resnet50, baseWidth: 4)).stateDictionary().keys)
        for key in ["conv1.weight", "bn1.running_mean", "layer1.0.conv1.weight", "layer1.0.downsample.0.weight",
                    "layer1.0.downsample.1.running_var", "layer3.5.bn3.bias", "layer4.2.conv3.weight", "fc.weight", "fc.bias"] {
            XCTAssertTrue(names.contains(key), key)
        }
        XCTAssertFalse(names.contains("layer1.1.downsample.0.weight"))
        let basic = Set(ResNet(ResNetConfiguration(depth: .resnet18, baseWidth: 4)).stateDictionary().keys)
        XCTAssertFalse(basic.contains("layer1.0.downsample.0.weight"), "ResNet-18 layer1 keeps the identity shortcut")
        XCTAssertTrue(basic.contains("layer2.0.downsample.1.weight"))
    }

    func testHeadsAndShapes() {
        var generator = SeededGenerator(seed: 5)
        let image = Tensor.normal([2, 3, 64, 64], generator: &generator)
        let features = ResNet(ResNetConfiguration(depth: .resnet50, baseWidth: 4, head: .featuresAfterLayer3))
        XCTAssertEqual(features.forward(image, mode: .inference).shape, [2, 64])
        XCTAssertNil(features.stateDictionary()["layer4.0.conv1.weight"])
        let pooled = ResNet(ResNetConfiguration(depth: .resnet18, baseWidth: 4, head: .featuresBeforeClassifier))
        XCTAssertEqual(pooled.forward(image, mode: .inference).shape, [2, 32])
        let mnist = ResNet(.mnist(baseWidth: 8))
        XCTAssertEqual(mnist.conv1.weight.value.shape, [8, 1, 7, 7])
        XCTAssertEqual(mnist.forward(Tensor(shape: [3, 1, 28, 28]), mode: .inference).shape, [3, 10])
    }

    func testTruncatedModelLoadsAFullCheckpointAndReportsRealMismatches() throws {
        let full = ResNet(ResNetConfiguration(depth: .resnet50, baseWidth: 4), seed: 3)
        let truncated = ResNet(ResNetConfiguration(depth: .resnet50, baseWidth: 4, head: .featuresAfterLayer3), seed: 9)
        var state = full.stateDictionary()
        state["bn1.num_batches_tracked"] = Tensor(shape: [], storage: [0])
        try truncated.load(torchvisionState: state)
        XCTAssertEqual(truncated.conv1.weight.value, full.conv1.weight.value)
        state["layer2.0.conv2.weight"] = nil
        XCTAssertThrowsError(try truncated.load(torchvisionState: state)) { error in
            XCTAssertEqual((error as? ParameterLoadError)?.missingKeys, ["layer2.0.conv2.weight"])
        }
        let classifier = ResNet(ResNetConfiguration(depth: .resnet18, baseWidth: 4))
        XCTAssertThrowsError(try classifier.load(torchvisionState: full.stateDictionary())) { error in
            let error = error as! ParameterLoadError
            XCTAssertFalse(error.unexpectedKeys.isEmpty)
            XCTAssertTrue(error.unexpectedKeys.contains("layer1.0.conv3.weight"))
        }
    }
}
