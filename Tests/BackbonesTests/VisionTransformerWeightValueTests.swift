import Backbones
import Foundation
import NN
import Tensor
import XCTest

/// A ViT weight file holding a NaN is refused while loading, with the file and the tensor named,
/// instead of producing NaN features for every tile.
final class VisionTransformerWeightValueTests: XCTestCase {
    private var folder: URL!

    override func setUpWithError() throws {
        folder = FileManager.default.temporaryDirectory.appendingPathComponent("vit-weight-values-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
    }

    override func tearDownWithError() throws {
        try? FileManager.default.removeItem(at: folder)
    }

    /// A reduced ViT with LayerScale and register tokens, so every kind of tensor is present.
    private let configuration = VisionTransformerConfiguration(imageSize: 32, patchSize: 16, width: 12, depth: 2, heads: 3,
                                                               mlpHiddenWidth: 24, layerScale: true, registerTokens: 1)

    /// Random weights under timm's names, with `poisoned` element `index` set to `value`.
    private func writeWeights(poisoned: String?, index: Int = 0, value: Float = .nan) throws -> URL {
        var generator = SeededGenerator(seed: 7)
        var tensors: [String: Tensor] = [:]
        for (name, shape) in configuration.expectedParameters.sorted(by: { $0.key < $1.key }) {
            var tensor = Tensor.normal(shape, standardDeviation: 0.02, generator: &generator)
            if name == poisoned { tensor.storage[index] = value }
            tensors[name] = tensor
        }
        let url = folder.appendingPathComponent("weights.safetensors")
        try SafeTensorsArchive.write(tensors, to: url)
        return url
    }

    func testCleanWeightsLoad() throws {
        let url = try writeWeights(poisoned: nil)
        XCTAssertNoThrow(try VisionTransformer.load(configuration, contentsOf: url, workers: 1))
    }

    func testNaNTensorIsRefusedNamingTheFileAndTheTensor() throws {
        for (name, value) in [("blocks.1.attn.proj.weight", Float.nan), ("pos_embed", Float.infinity), ("blocks.0.ls2.gamma", -Float.infinity)] {
            let url = try writeWeights(poisoned: name, index: 5, value: value)
            XCTAssertThrowsError(try VisionTransformer.load(configuration, contentsOf: url, workers: 1), name) { error in
                guard case let WeightValueError.nonFinite(file, tensor, index, _) = error else {
                    return XCTFail("\(name): unexpected error \(error)")
                }
                XCTAssertEqual(tensor, name)
                XCTAssertEqual(index, 5, name)
                XCTAssertTrue(file.hasSuffix("weights.safetensors"), file)
                XCTAssertTrue("\(error)".contains("weights.safetensors") && "\(error)".contains("'\(name)'"), "\(error)")
            }
        }
    }
}
