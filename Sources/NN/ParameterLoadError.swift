import Tensor

/// Why a state dictionary could not be loaded into a model; lists every offending key at once so
/// one run shows the whole mismatch.
public struct ParameterLoadError: Error, CustomStringConvertible, Equatable {
    /// Keys the model needs that the dictionary lacks.
    public let missingKeys: [String]
    /// Keys in the dictionary the model does not have (`num_batches_tracked` is never reported).
    public let unexpectedKeys: [String]
    /// Keys present in both with different shapes: (key, model shape, dictionary shape).
    public let shapeMismatches: [ShapeMismatch]

    /// One key whose tensor has the wrong shape.
    public struct ShapeMismatch: Equatable, Sendable {
        public let key: String
        public let expected: [Int]
        public let found: [Int]

        public init(key: String, expected: [Int], found: [Int]) {
            self.key = key
            self.expected = expected
            self.found = found
        }
    }

    public var description: String {
        var parts: [String] = []
        if !missingKeys.isEmpty { parts.append("missing keys: \(missingKeys.joined(separator: ", "))") }
        if !unexpectedKeys.isEmpty { parts.append("unexpected keys: \(unexpectedKeys.joined(separator: ", "))") }
        if !shapeMismatches.isEmpty {
            parts.append("shape mismatches: " + shapeMismatches.map { "\($0.key) expects \($0.expected), found \($0.found)" }.joined(separator: ", "))
        }
        return "state dictionary does not fit the model: " + parts.joined(separator: "; ")
    }
}

extension Layer {
    /// Copies parameters and buffers from `state` (PyTorch `state_dict` names and shapes).
    ///
    /// Keys ending in `num_batches_tracked` are accepted and ignored; keys for which `ignore`
    /// returns true (e.g. the `fc.` head of a truncated backbone) are skipped. Nothing is
    /// modified unless every key fits.
    /// - Throws: `ParameterLoadError` listing missing keys, unexpected keys and shape mismatches.
    public func load(_ state: [String: Tensor], ignoring ignore: (String) -> Bool = { _ in false }) throws {
        var targets: [String: (shape: [Int], assign: (Tensor) -> Void)] = [:]
        for (name, parameter) in namedParameters {
            targets[name] = (parameter.value.shape, { parameter.value = $0 })
        }
        for (name, buffer) in namedBuffers {
            targets[name] = (buffer.value.shape, { buffer.value = $0 })
        }
        let missing = targets.keys.filter { state[$0] == nil }.sorted()
        let unexpected = state.keys.filter { targets[$0] == nil && !$0.hasSuffix("num_batches_tracked") && !ignore($0) }.sorted()
        let mismatches = targets.keys.sorted().compactMap { key -> ParameterLoadError.ShapeMismatch? in
            guard let tensor = state[key], tensor.shape != targets[key]!.shape else { return nil }
            return .init(key: key, expected: targets[key]!.shape, found: tensor.shape)
        }
        guard missing.isEmpty, unexpected.isEmpty, mismatches.isEmpty else {
            throw ParameterLoadError(missingKeys: missing, unexpectedKeys: unexpected, shapeMismatches: mismatches)
        }
        for (key, target) in targets { target.assign(state[key]!) }
    }
}
