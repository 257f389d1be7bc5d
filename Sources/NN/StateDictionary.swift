import Foundation
import Tensor

/// A model's parameters and buffers by their PyTorch `state_dict` names (e.g.
/// `layer1.0.bn1.running_mean`), loaded from a safetensors archive and checked against the
/// names and shapes the model expects.
public struct StateDictionary: Sendable {
    /// The loaded tensors, exactly the expected names that are not ignored.
    public let tensors: [String: Tensor]
    /// The archive's `__metadata__`.
    public let metadata: [String: String]

    /// Whether `name` is a BatchNorm step counter (`…num_batches_tracked`), which PyTorch
    /// stores but inference and training here do not use. The default ignore rule.
    public static func isBatchNormCounter(_ name: String) -> Bool {
        name == "num_batches_tracked" || name.hasSuffix(".num_batches_tracked")
    }

    /// Loads the tensors `expected` names from `archive`, as `Float`s (F16/BF16 widened).
    ///
    /// Names for which `isIgnored` holds are dropped on both sides: neither loaded nor reported
    /// missing or unexpected. Pass a wider rule to load part of a checkpoint, e.g. a trunk
    /// without its `fc.` head.
    /// - Parameters:
    ///   - expected: every parameter/buffer name the model has, with its shape.
    ///   - isIgnored: names to skip; defaults to `isBatchNormCounter`.
    /// - Throws: `StateDictionaryError.mismatch` listing all missing keys, unexpected keys,
    ///   shape mismatches and non-float dtypes at once (each sorted); nothing is returned
    ///   unless the archive fits exactly. `WeightValueError` for a NaN or infinite value, or a
    ///   negative BatchNorm running variance (`WeightValueCheck`).
    public init(
        loading archive: SafeTensorsArchive,
        expected: [String: [Int]],
        isIgnored: (String) -> Bool = StateDictionary.isBatchNormCounter
    ) throws {
        let wanted = expected.filter { !isIgnored($0.key) }
        let stored = Set(archive.entries.keys.filter { !isIgnored($0) })
        let missing = wanted.keys.filter { !stored.contains($0) }.sorted()
        let unexpected = stored.filter { wanted[$0] == nil }.sorted()
        var wrongShapes: [StateDictionaryError.ShapeMismatch] = []
        var wrongDTypes: [StateDictionaryError.DTypeMismatch] = []
        for name in wanted.keys.sorted() {
            guard let entry = archive.entries[name], let shape = wanted[name] else { continue }
            if entry.shape != shape {
                wrongShapes.append(.init(name: name, expected: shape, found: entry.shape))
            }
            if !entry.dtype.isDecodableAsFloat {
                wrongDTypes.append(.init(name: name, found: entry.dtype))
            }
        }
        guard missing.isEmpty, unexpected.isEmpty, wrongShapes.isEmpty, wrongDTypes.isEmpty else {
            throw StateDictionaryError.mismatch(
                file: archive.file, missing: missing, unexpected: unexpected,
                wrongShapes: wrongShapes, wrongDTypes: wrongDTypes
            )
        }
        var tensors: [String: Tensor] = [:]
        for name in wanted.keys.sorted() {
            let tensor = try archive.tensor(named: name)
            try WeightValueCheck.check(tensor, named: name, file: archive.file)
            tensors[name] = tensor
        }
        self.tensors = tensors
        self.metadata = archive.metadata
    }

    /// Opens the safetensors file at `url` and loads it as `init(loading:expected:isIgnored:)` does.
    public init(
        contentsOf url: URL,
        expected: [String: [Int]],
        isIgnored: (String) -> Bool = StateDictionary.isBatchNormCounter
    ) throws {
        try self.init(loading: SafeTensorsArchive.read(contentsOf: url), expected: expected, isIgnored: isIgnored)
    }

    /// The tensor stored under `name`, or nil when it was not loaded.
    public subscript(name: String) -> Tensor? {
        tensors[name]
    }
}
