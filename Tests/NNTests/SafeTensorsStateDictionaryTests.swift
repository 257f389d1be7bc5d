import Foundation
import NN
import Tensor
import XCTest

final class SafeTensorsStateDictionaryTests: XCTestCase {
    private var folder: URL!
    private var url: URL!

    override func setUpWithError() throws {
        folder = try makeSafeTensorsScratchFolder()
        url = folder.appendingPathComponent("checkpoint.safetensors")
        try SafeTensorsArchive.write(values: [
            "conv1.weight": .float32(Tensor(shape: [2, 1, 3, 3], repeating: 0.25)),
            "bn1.weight": .float32(Tensor(shape: [2], storage: [1, 2])),
            "bn1.running_var": .float32(Tensor(shape: [2], storage: [3, 4])),
            "bn1.num_batches_tracked": .int64(shape: [], values: [100]),
            "fc.weight": .float32(Tensor(shape: [10, 2], repeating: -1)),
            "fc.bias": .float32(Tensor(shape: [10], repeating: 0.5)),
        ], metadata: ["format": "pt"], to: url)
    }

    override func tearDownWithError() throws {
        try FileManager.default.removeItem(at: folder)
    }

    private let modelShapes: [String: [Int]] = [
        "conv1.weight": [2, 1, 3, 3], "bn1.weight": [2], "bn1.running_var": [2], "fc.weight": [10, 2], "fc.bias": [10],
    ]

    func testLoadsExactlyTheExpectedTensorsIgnoringBatchNormCounters() throws {
        let state = try StateDictionary(contentsOf: url, expected: modelShapes)
        XCTAssertEqual(Set(state.tensors.keys), Set(modelShapes.keys))
        XCTAssertEqual(state["bn1.running_var"], Tensor(shape: [2], storage: [3, 4]))
        XCTAssertEqual(state["conv1.weight"]?.storage, [Float](repeating: 0.25, count: 18))
        XCTAssertNil(state["bn1.num_batches_tracked"])
        XCTAssertEqual(state.metadata, ["format": "pt"])

        var withCounter = modelShapes
        withCounter["layer1.0.bn1.num_batches_tracked"] = []
        XCTAssertEqual(try StateDictionary(contentsOf: url, expected: withCounter).tensors.count, 5, "a counter the model lists is skipped too")
    }

    func testReportsEveryMissingUnexpectedMisshapenAndIntegerKeyAtOnce() throws {
        var expected = modelShapes
        expected["fc.weight"] = [2, 2]
        expected["fc.bias"] = [2]
        expected["layer1.0.conv1.weight"] = [2, 2, 3, 3]
        expected["bn1.bias"] = [2]
        expected.removeValue(forKey: "bn1.running_var")
        expected.removeValue(forKey: "conv1.weight")

        XCTAssertThrowsError(try StateDictionary(contentsOf: url, expected: expected, isIgnored: { _ in false })) { error in
            let expectedError = StateDictionaryError.mismatch(
                file: url.path,
                missing: ["bn1.bias", "layer1.0.conv1.weight"],
                unexpected: ["bn1.num_batches_tracked", "bn1.running_var", "conv1.weight"],
                wrongShapes: [
                    .init(name: "fc.bias", expected: [2], found: [10]),
                    .init(name: "fc.weight", expected: [2, 2], found: [10, 2]),
                ],
                wrongDTypes: []
            )
            XCTAssertEqual(error as? StateDictionaryError, expectedError)
            XCTAssertEqual(
                String(describing: error),
                "\(url.path): state dictionary does not fit the model; missing keys: bn1.bias, layer1.0.conv1.weight; "
                    + "unexpected keys: bn1.num_batches_tracked, bn1.running_var, conv1.weight; "
                    + "shape mismatches: fc.bias has [10], expected [2], fc.weight has [10, 2], expected [2, 2]"
            )
        }
    }

    func testAnIntegerTensorWhereTheModelNeedsFloatsIsAMismatch() throws {
        var expected = modelShapes
        expected["bn1.num_batches_tracked"] = []
        XCTAssertThrowsError(try StateDictionary(contentsOf: url, expected: expected, isIgnored: { _ in false })) { error in
            XCTAssertEqual(error as? StateDictionaryError, .mismatch(
                file: url.path, missing: [], unexpected: [], wrongShapes: [],
                wrongDTypes: [.init(name: "bn1.num_batches_tracked", found: .int64)]
            ))
            XCTAssertTrue(String(describing: error).hasSuffix("dtype mismatches: bn1.num_batches_tracked is I64, expected F32, F16 or BF16"))
        }
    }

    func testAWiderIgnoreRuleLoadsATrunkWithoutItsHead() throws {
        let trunk = modelShapes.filter { !$0.key.hasPrefix("fc.") }
        XCTAssertThrowsError(try StateDictionary(contentsOf: url, expected: trunk)) { error in
            guard case let .mismatch(_, missing, unexpected, _, _)? = error as? StateDictionaryError else { return XCTFail("\(error)") }
            XCTAssertEqual(missing, [])
            XCTAssertEqual(unexpected, ["fc.bias", "fc.weight"])
        }
        let state = try StateDictionary(contentsOf: url, expected: trunk) {
            $0.hasPrefix("fc.") || StateDictionary.isBatchNormCounter($0)
        }
        XCTAssertEqual(state.tensors.keys.sorted(), ["bn1.running_var", "bn1.weight", "conv1.weight"])
    }

    func testBatchNormCounterRule() {
        XCTAssertTrue(StateDictionary.isBatchNormCounter("layer1.0.downsample.1.num_batches_tracked"))
        XCTAssertTrue(StateDictionary.isBatchNormCounter("num_batches_tracked"))
        XCTAssertFalse(StateDictionary.isBatchNormCounter("bn1.running_mean"))
        XCTAssertFalse(StateDictionary.isBatchNormCounter("my_num_batches_tracked"))
    }
}
