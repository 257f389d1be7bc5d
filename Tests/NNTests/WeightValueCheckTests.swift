import Foundation
import NN
import Tensor
import XCTest

/// Weights with NaN, infinity or a negative BatchNorm variance make every output NaN; loading
/// must refuse them with the file and tensor named.
final class WeightValueCheckTests: XCTestCase {
    private var folder: URL!

    override func setUpWithError() throws {
        folder = try makeSafeTensorsScratchFolder()
    }

    override func tearDownWithError() throws {
        try FileManager.default.removeItem(at: folder)
    }

    private let shapes: [String: [Int]] = ["conv.weight": [2, 3], "bn.running_var": [3], "bn.running_mean": [3]]

    private func archive(weight: [Float], variance: [Float] = [1, 2, 3], mean: [Float] = [0, 0, 0]) throws -> URL {
        let url = folder.appendingPathComponent("w-\(UUID().uuidString).safetensors")
        try SafeTensorsArchive.write(values: [
            "conv.weight": .float32(Tensor(shape: [2, 3], storage: weight)),
            "bn.running_var": .float32(Tensor(shape: [3], storage: variance)),
            "bn.running_mean": .float32(Tensor(shape: [3], storage: mean)),
        ], to: url)
        return url
    }

    func testFiniteWeightsLoad() throws {
        let url = try archive(weight: [1, -2, 0, 3e30, -1e-38, 0])
        XCTAssertEqual(try StateDictionary(contentsOf: url, expected: shapes).tensors.count, 3)
    }

    func testNaNWeightIsRefusedNamingFileAndTensor() throws {
        let url = try archive(weight: [1, 2, 3, .nan, 5, 6])
        XCTAssertThrowsError(try StateDictionary(contentsOf: url, expected: shapes)) { error in
            XCTAssertEqual("\(error)", "\(url.path): tensor 'conv.weight' holds nan at element 3; weights must be finite")
        }
    }

    func testInfiniteValueInAnyTensorIsRefused() throws {
        let url = try archive(weight: [1, 2, 3, 4, 5, 6], mean: [0, -.infinity, 0])
        XCTAssertThrowsError(try StateDictionary(contentsOf: url, expected: shapes)) { error in
            XCTAssertEqual(error as? WeightValueError,
                           .nonFinite(file: url.path, tensor: "bn.running_mean", index: 1, value: -.infinity))
        }
    }

    func testNegativeRunningVarianceIsRefused() throws {
        let url = try archive(weight: [1, 2, 3, 4, 5, 6], variance: [1, 0, -0.5])
        XCTAssertThrowsError(try StateDictionary(contentsOf: url, expected: shapes)) { error in
            XCTAssertEqual("\(error)", "\(url.path): BatchNorm running variance 'bn.running_var' is negative (-0.5) at element 2")
        }
    }

    func testNegativeValuesElsewhereAreFine() throws {
        XCTAssertNoThrow(try WeightValueCheck.check(Tensor(shape: [2], storage: [-1, -2]), named: "bn.running_mean", file: "f"))
        XCTAssertNoThrow(try WeightValueCheck.check(Tensor(shape: [1], storage: [-1]), named: "my_running_var_scale", file: "f"))
        XCTAssertThrowsError(try WeightValueCheck.check(Tensor(shape: [1], storage: [-1]), named: "running_var", file: "f"))
    }
}
