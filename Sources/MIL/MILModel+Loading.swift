import Foundation
import NN
import Tensor

extension MILModel {
    /// Every parameter and buffer name with its shape: what a saved state dictionary must hold exactly.
    public var parameterShapes: [String: [Int]] {
        var shapes = Dictionary(uniqueKeysWithValues: namedParameters.map { ($0.name, $0.parameter.value.shape) })
        for (name, buffer) in namedBuffers { shapes[name] = buffer.value.shape }
        return shapes
    }

    /// Replaces the weights (and buffers) with those of a safetensors file written from `stateDictionary()`.
    /// - Throws: `StateDictionaryError.mismatch` (listing every missing, unexpected or mis-shaped
    ///   tensor) when the file belongs to another architecture or input width; the model is
    ///   unchanged then. `SafeTensorsError` for an unreadable file.
    public func loadState(contentsOf url: URL) throws {
        let state = try StateDictionary(contentsOf: url, expected: parameterShapes)
        for (name, parameter) in namedParameters {
            parameter.value = state[name]!
        }
        for (name, buffer) in namedBuffers {
            buffer.value = state[name]!
        }
    }
}
