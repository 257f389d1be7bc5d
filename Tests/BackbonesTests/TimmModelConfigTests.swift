import Backbones
import Foundation
import XCTest

/// `config.json` files as timm and the model hubs publish them, read into the presets' shapes.
final class TimmModelConfigTests: XCTestCase {
    private func config(_ json: String) throws -> TimmModelConfig {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("config-\(UUID().uuidString).json")
        try Data(json.utf8).write(to: url)
        defer { try? FileManager.default.removeItem(at: url) }
        return try TimmModelConfig(contentsOf: url)
    }

    func testUNIsPublishedArgumentsGiveTheUNIPreset() throws {
        let uni = try config("""
        {"architecture": "vit_large_patch16_224", "num_classes": 0,
         "model_args": {"img_size": 224, "patch_size": 16, "init_values": 1e-5, "num_classes": 0, "dynamic_img_size": true},
         "pretrained_cfg": {"input_size": [3, 224, 224], "mean": [0.485, 0.456, 0.406], "std": [0.229, 0.224, 0.225]}}
        """)
        XCTAssertEqual(uni.configuration, EncoderPreset.uni.architecture)
        XCTAssertEqual(uni.inputSize, 224)
        XCTAssertEqual(uni.mean, EncoderPreset.imageNetMean)
    }

    /// Virchow 2's config omits the SwiGLU layer (a Python class); the weights' shapes reveal it.
    func testVirchow2sConfigWithItsWeightShapesGivesTheVirchow2Architecture() throws {
        let virchow = try config("""
        {"architecture": "vit_huge_patch14_224",
         "model_args": {"img_size": 224, "init_values": 1e-5, "num_classes": 0, "mlp_ratio": 5.3375, "reg_tokens": 4,
                        "global_pool": "", "dynamic_img_size": true}}
        """)
        let shapes = ["blocks.0.mlp.fc1.weight": [6832, 1280], "blocks.0.mlp.fc2.weight": [1280, 3416]]
        var expected = EncoderPreset.virchow2.architecture
        expected.pooling = .classToken  // the concatenation is the preset's, not the config's
        XCTAssertEqual(virchow.configuration(matching: shapes), expected)
    }

    func testHOptimusAndGigaPathArchitecturesFromTheirRegisteredNames() throws {
        let hOptimus = try config("""
        {"architecture": "vit_giant_patch14_reg4_dinov2",
         "model_args": {"img_size": 224, "init_values": 1e-5, "global_pool": "token", "num_classes": 0}}
        """)
        XCTAssertEqual(hOptimus.configuration, EncoderPreset.hOptimus0.architecture)
        let gigapath = try config("""
        {"architecture": "vit_giant_patch14_dinov2",
         "model_args": {"img_size": 224, "in_chans": 3, "patch_size": 16, "embed_dim": 1536, "depth": 40, "num_heads": 24,
                        "init_values": 1e-05, "mlp_ratio": 5.33334, "num_classes": 0}}
        """)
        XCTAssertEqual(gigapath.configuration, EncoderPreset.gigapath.architecture)
    }

    func testUnsupportedArgumentsAndArchitecturesAreRefusedByName() {
        XCTAssertThrowsError(try config(#"{"architecture": "vit_base_patch16_224", "model_args": {"qk_norm": true}}"#)) { error in
            XCTAssertTrue("\(error)".contains("model_args.qk_norm is not supported"), "\(error)")
        }
        XCTAssertThrowsError(try config(#"{"architecture": "swin_base_patch4_window7_224"}"#)) { error in
            XCTAssertTrue("\(error)".contains("swin_base_patch4_window7_224 is not one of"), "\(error)")
        }
        XCTAssertThrowsError(try config("[1, 2]")) { error in
            XCTAssertTrue("\(error)".contains("not a JSON object"), "\(error)")
        }
    }
}
