import Backbones
import Foundation
import NN
import RunSupport
import Tensor

/// The pretrained CNN and its features in a run folder, tagged with a hash of the settings that
/// produced them, so re-running only the MIL part skips pretraining and extraction.
struct MNISTFeatureCache {
    let folder: URL
    /// Hex FNV-1a hash of the pretraining settings and pool sizes.
    let key: String

    var modelURL: URL { folder.appendingPathComponent("cnn.safetensors") }
    var featuresURL: URL { folder.appendingPathComponent("features.safetensors") }

    /// The cache key: FNV-1a (64-bit) of the YAML of the settings the features depend on (pool
    /// sizes as resolved counts).
    static func key(pretraining: MNISTBagsConfig.Pretraining, trainingPool: Int, testPool: Int) throws -> String {
        struct Inputs: Codable {
            let pretraining: MNISTBagsConfig.Pretraining
            let trainingPool: Int
            let testPool: Int
        }
        let text = try ConfigLoader.yaml(Inputs(pretraining: pretraining, trainingPool: trainingPool, testPool: testPool))
        let hash = SettingsFingerprint.fnv1a(text)
        return String(format: "%016llx", hash)
    }

    /// The cached train/test features when both files exist and carry this key; nil otherwise
    /// (a missing, stale or unreadable cache is simply rebuilt).
    func load() -> (train: Tensor, test: Tensor)? {
        guard FileManager.default.fileExists(atPath: modelURL.path),
              let archive = try? SafeTensorsArchive.read(contentsOf: featuresURL),
              archive.metadata["config_hash"] == key,
              let model = try? SafeTensorsArchive.read(contentsOf: modelURL), model.metadata["config_hash"] == key,
              let train = try? archive.tensor(named: "train"), let test = try? archive.tensor(named: "test")
        else { return nil }
        return (train, test)
    }

    /// Writes the CNN (torchvision names, without batch-norm step counters) and the features.
    func store(model: ResNet, train: Tensor, test: Tensor) throws {
        let metadata = ["config_hash": key]
        try SafeTensorsArchive.write(model.stateDictionary(), metadata: metadata.merging(["architecture": "resnet18-mnist"]) { a, _ in a },
                                     to: modelURL)
        try SafeTensorsArchive.write(["train": train, "test": test], metadata: metadata, to: featuresURL)
    }
}
