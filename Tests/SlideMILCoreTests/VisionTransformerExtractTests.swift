import Backbones
import Foundation
import NN
import ExtractStage
import RunSupport
import Store
import Tensor
import XCTest

/// `slidemil extract` with Vision Transformers, end to end: tiles read from a sample slide through
/// the tile stream, normalised, encoded and written, compared with timm's features for the same
/// tiles (`Tests/Fixtures/vit`, made by `make_vit_fixtures.py`).
final class VisionTransformerExtractTests: XCTestCase {
    private let repository = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    private var fixtures: URL { repository.appendingPathComponent("Tests/Fixtures/vit") }
    private var folder: URL!

    override func setUpWithError() throws {
        folder = FileManager.default.temporaryDirectory.appendingPathComponent("vit-extract-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
    }

    override func tearDownWithError() throws {
        try? FileManager.default.removeItem(at: folder)
    }

    /// The reduced UNI weights beside a timm `config.json` describing them.
    private func vitWeights() throws -> String {
        let model = folder.appendingPathComponent("model")
        try FileManager.default.createDirectory(at: model, withIntermediateDirectories: true)
        let weights = model.appendingPathComponent("model.safetensors")
        try FileManager.default.copyItem(at: fixtures.appendingPathComponent("uni_reduced.safetensors"), to: weights)
        let config = """
        {"architecture": "vit_large_patch16_224",
         "model_args": {"img_size": 224, "patch_size": 16, "embed_dim": 36, "depth": 2, "num_heads": 3,
                        "init_values": 1e-5, "num_classes": 0, "dynamic_img_size": true},
         "pretrained_cfg": {"input_size": [3, 224, 224], "mean": [0.485, 0.456, 0.406], "std": [0.229, 0.224, 0.225]}}
        """
        try Data(config.utf8).write(to: model.appendingPathComponent("config.json"))
        return weights.path
    }

    /// The fixture's two 256 px level-0 tiles of synthetic_0 as a patch file.
    private func addSlide() throws -> SlideEntry {
        let path = folder.appendingPathComponent("s0.tif")
        try FileManager.default.copyItem(at: repository.appendingPathComponent("slides-sample/synthetic_0.tif"), to: path)
        let patches = folder.appendingPathComponent("out/patches")
        try FileManager.default.createDirectory(at: patches, withIntermediateDirectories: true)
        let metadata = PatchFileMetadata(slideID: "s0", patchSize: 256, patchLevel: 0, downsample: (1, 1), levelSize: (4000, 3000))
        let coordinates = [PatchCoordinate(x: 400, y: 1200), PatchCoordinate(x: 1700, y: 1000)]
        try PatchFile(metadata: metadata, coordinates: coordinates).write(to: patches.appendingPathComponent("s0.h5"))
        return SlideEntry(path: path.path)
    }

    func testVitFromTimmConfigMatchesTimmOnSlideTilesThroughThePipeline() throws {
        var settings = ExtractSettings()
        settings.backbone = .vit
        settings.weights = try vitWeights()
        let expected = try XCTUnwrap(settings.backbone.expectedInput(weights: settings.weights))
        XCTAssertEqual(expected, EncoderInput(size: 224, mean: EncoderPreset.imageNetMean, std: EncoderPreset.imageNetStd))
        settings.inputSize = 256  // the patch size: no resize, position embeddings resampled 14 -> 16
        settings.batchSize = 2
        settings.workers = 1
        let model = try ExtractModel(settings: settings)
        let outcomes = try ExtractPipeline.run([addSlide()], output: folder.appendingPathComponent("out"), model: model,
                                               settings: settings, showProgress: false)
        XCTAssertEqual(outcomes, [.processed(tiles: 2)])
        let bag = try FeatureFile.read(from: folder.appendingPathComponent("out/features/s0.h5"))
        XCTAssertEqual(bag.dimension, 36)
        XCTAssertEqual(bag.metadata?.backbone, "vit")
        XCTAssertEqual(bag.metadata?.inputSize, 256)
        XCTAssertEqual(bag.metadata?.weightsChecksum, try ExtractionChecksum.sha256(fileAt: URL(fileURLWithPath: settings.weights!)))
        let reference = try SafeTensorsArchive.read(contentsOf: fixtures.appendingPathComponent("reference.safetensors"))
            .tensor(named: "uni.features_256").storage
        let scale = reference.map(abs).max()!
        let error = zip(bag.features, reference).map { abs($0 - $1) }.max()!
        XCTAssertLessThanOrEqual(error, 1e-3 * scale, "max error \(error) for scale \(scale)")
    }

    func testPresetsWriteIntoTRIDENTsFolderAndRefuseWeightsOfAnotherShape() throws {
        var settings = ExtractSettings()
        settings.backbone = .virchow2
        XCTAssertEqual(settings.featureFolderName, "features_virchow2")
        settings.backbone = .uni
        XCTAssertEqual(settings.featureFolderName, "features_uni_v1")
        XCTAssertThrowsError(try ExtractModel(settings: settings)) { error in
            XCTAssertTrue("\(error)".contains("needs --weights"), "\(error)")
        }
        settings.weights = fixtures.appendingPathComponent("uni_reduced.safetensors").path
        XCTAssertThrowsError(try ExtractModel(settings: settings)) { error in
            guard case let StateDictionaryError.mismatch(file, missing, _, wrongShapes, _) = error else {
                return XCTFail("unexpected \(error)")
            }
            XCTAssertTrue(file.hasSuffix("uni_reduced.safetensors"))
            XCTAssertTrue(missing.contains("blocks.23.attn.qkv.weight"))
            XCTAssertTrue(wrongShapes.contains { $0.name == "cls_token" && $0.expected == [1, 1, 1024] && $0.found == [1, 1, 36] })
        }
    }
}
