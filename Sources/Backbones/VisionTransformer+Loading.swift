import Foundation
import NN
import Tensor

extension VisionTransformer {
    /// Builds `configuration` with the weights of a safetensors file named as timm's `state_dict`
    /// (`patch_embed.proj.weight`, `blocks.0.attn.qkv.weight`, `blocks.0.ls1.gamma`, `reg_token`, …)
    /// or, with `naming: .huggingFaceDinov2`, as transformers' `Dinov2Model`.
    ///
    /// The header is checked against `configuration.expectedParameters` before any weight is read;
    /// tensors are then read one at a time (F16/BF16 widened), so the file is never held in memory
    /// beside the model.
    /// - Throws: `StateDictionaryError.mismatch` listing every missing, unexpected, mis-shaped and
    ///   non-float key at once; `SafeTensorsError` for an unreadable or malformed file;
    ///   `VisionTransformerError.invalidConfiguration`.
    public static func load(_ configuration: VisionTransformerConfiguration, contentsOf url: URL,
                            naming: ViTWeightNaming = .timm, workers: Int = ParallelFor.workerCount) throws -> VisionTransformer {
        if let problem = configuration.problem { throw VisionTransformerError.invalidConfiguration(problem) }
        let reader = try SafeTensorsStreamReader(contentsOf: url)
        try checkNames(of: reader.archive, expected: naming.expectedStoredParameters(configuration), isIgnored: naming.isIgnored)
        var parameters: [String: Tensor] = [:]
        for (name, shape) in configuration.expectedParameters.sorted(by: { $0.key < $1.key }) {
            let parts = try naming.sources(of: name).map { source in
                let tensor = try reader.tensor(named: source)
                try WeightValueCheck.check(tensor, named: source, file: reader.archive.file)
                return tensor
            }
            parameters[name] = parts.count == 1 ? parts[0] : Tensor(shape: shape, storage: parts.flatMap(\.storage))
        }
        return VisionTransformer(configuration, parameters: parameters, workers: workers)
    }

    /// A model with seeded random weights (tests and demos only; the features mean nothing):
    /// truncated-normal-like N(0, 0.02) matrices and tokens, zero biases, unit norms, LayerScale 0.1.
    public static func random(_ configuration: VisionTransformerConfiguration, seed: UInt64,
                              workers: Int = ParallelFor.workerCount) throws -> VisionTransformer {
        if let problem = configuration.problem { throw VisionTransformerError.invalidConfiguration(problem) }
        var generator = SeededGenerator(seed: seed)
        var parameters: [String: Tensor] = [:]
        for (name, shape) in configuration.expectedParameters.sorted(by: { $0.key < $1.key }) {
            if name.hasSuffix("norm1.weight") || name.hasSuffix("norm2.weight") || name.hasSuffix("norm.weight") {
                parameters[name] = Tensor(shape: shape, repeating: 1)
            } else if name.hasSuffix(".gamma") {
                parameters[name] = Tensor(shape: shape, repeating: 0.1)
            } else if name.hasSuffix(".bias") {
                parameters[name] = Tensor(shape: shape, repeating: 0)
            } else {
                parameters[name] = Tensor.normal(shape, standardDeviation: 0.02, generator: &generator)
            }
        }
        return VisionTransformer(configuration, parameters: parameters, workers: workers)
    }

    /// Throws one `StateDictionaryError.mismatch` naming every problem of the archive's keys.
    static func checkNames(of archive: SafeTensorsArchive, expected: [String: [Int]], isIgnored: (String) -> Bool) throws {
        let stored = Set(archive.entries.keys.filter { !isIgnored($0) })
        let missing = expected.keys.filter { !stored.contains($0) }.sorted()
        let unexpected = stored.filter { expected[$0] == nil }.sorted()
        var wrongShapes: [StateDictionaryError.ShapeMismatch] = []
        var wrongDTypes: [StateDictionaryError.DTypeMismatch] = []
        for name in expected.keys.sorted() {
            guard let entry = archive.entries[name], let shape = expected[name] else { continue }
            if entry.shape != shape { wrongShapes.append(.init(name: name, expected: shape, found: entry.shape)) }
            if !entry.dtype.isDecodableAsFloat { wrongDTypes.append(.init(name: name, found: entry.dtype)) }
        }
        guard missing.isEmpty, unexpected.isEmpty, wrongShapes.isEmpty, wrongDTypes.isEmpty else {
            throw StateDictionaryError.mismatch(file: archive.file, missing: missing, unexpected: unexpected,
                                                wrongShapes: wrongShapes, wrongDTypes: wrongDTypes)
        }
    }
}

/// Why a Vision Transformer cannot be built.
public enum VisionTransformerError: Error, CustomStringConvertible, Equatable, Sendable {
    /// The architecture is inconsistent (e.g. heads that do not divide the width).
    case invalidConfiguration(String)

    /// One line.
    public var description: String {
        switch self {
        case let .invalidConfiguration(problem): return "invalid Vision Transformer configuration: \(problem)"
        }
    }
}
