import Foundation
import MIL
import NN
import Tensor

/// What a `BagHead` computes for a batch of bags.
public struct BagHeadOutput {
    /// [B, C] class logits (C = 1 for a binary head that gives one logit per bag).
    public let logits: Tensor
    /// [B, A, Nmax] instance weights: A = C for heads with one attention branch per class
    /// (CLAM-MB, DSMIL), otherwise A = 1; 0 at padding; these are what heatmaps show. Rows of
    /// attention-pooling heads sum to 1 over the bag's real instances; TransMIL reports its class
    /// token's approximate attention row, which need not (see `TransMIL`).
    public let instanceWeights: Tensor
}

/// A complete MIL head mapping a batch of bags of D-wide instance features straight to class
/// logits, for heads whose classifier cannot be separated from their pooling (one bag embedding
/// per class, a transformer's class token, two streams).
///
/// Same contract as `Layer`: `.training` forward caches what `backward` needs; `backward` adds
/// parameter gradients and returns dLoss/dFeatures [B, Nmax, D], zero at padded rows. Gradients do
/// not flow through `instanceWeights`. Parameter names follow the reference implementation's
/// `state_dict`, so its checkpoints load by name (see each head). `MILTrainer` trains any head on
/// its task loss (`trainingPass`); heads that train on more than that loss replace it.
public protocol BagHead: MILNetwork {
    /// Instance feature width D.
    var inputWidth: Int { get }
    /// Number of logits per bag C.
    var classCount: Int { get }
    /// Logits and instance weights of every bag, each computed over its real instances only.
    func forward(_ batch: BagBatch, mode: Mode) -> BagHeadOutput
    /// Given dLoss/dLogits [B, C] of the last training-mode forward, returns dLoss/dFeatures.
    func backward(_ logitGradient: Tensor) -> Tensor
}

extension BagHead {
    /// Forward, the task loss of the logits, backward of its gradient scaled by `share`.
    /// - Precondition: no instance term (only `CLAMMultiBranch` has instance classifiers).
    public func trainingPass(_ batch: BagBatch, loss: (Tensor) -> LossValue, instanceTerm: InstanceTerm?, share: GradientShare) -> Float {
        precondition(instanceTerm == nil, "the instance loss needs a CLAMMultiBranch head")
        let taskLoss = loss(forward(batch, mode: .training).logits)
        _ = backward(share.scale(taskLoss.gradient, by: 1))
        return taskLoss.value
    }

    /// `forward` in inference mode.
    public func inferenceOutputs(_ batch: BagBatch) -> (logits: Tensor, instanceWeights: Tensor) {
        let output = forward(batch, mode: .inference)
        return (output.logits, output.instanceWeights)
    }

    /// Parameter values by name, ready to save as safetensors.
    public func stateDictionary() -> [String: Tensor] {
        Dictionary(uniqueKeysWithValues: namedParameters.map { ($0.name, $0.parameter.value) })
    }

    /// Loads a safetensors checkpoint holding exactly this head's `state_dict` (e.g. one saved
    /// from torchmil's model), checking every name, shape and dtype before changing anything.
    /// - Throws: `SafeTensorsError` for an unreadable file; `StateDictionaryError.mismatch`
    ///   (naming the file) listing missing, unexpected and mis-shaped tensors.
    public func load(contentsOf url: URL) throws {
        let expected = Dictionary(uniqueKeysWithValues: namedParameters.map { ($0.name, $0.parameter.value.shape) })
        try load(StateDictionary(contentsOf: url, expected: expected).tensors)
    }

    /// Copies every tensor of `state` into the parameter of the same name.
    /// - Throws: `BagHeadLoadError` listing missing and unexpected names and wrong shapes;
    ///   nothing is changed unless every name and shape fits.
    public func load(_ state: [String: Tensor]) throws {
        let expected = Dictionary(uniqueKeysWithValues: namedParameters.map { ($0.name, $0.parameter) })
        let missing = expected.keys.filter { state[$0] == nil }.sorted()
        let unexpected = state.keys.filter { expected[$0] == nil }.sorted()
        let wrongShapes = expected.compactMap { name, parameter -> String? in
            guard let value = state[name], value.shape != parameter.value.shape else { return nil }
            return "\(name): expected \(parameter.value.shape), found \(value.shape)"
        }.sorted()
        guard missing.isEmpty, unexpected.isEmpty, wrongShapes.isEmpty else {
            throw BagHeadLoadError(missing: missing, unexpected: unexpected, wrongShapes: wrongShapes)
        }
        for (name, parameter) in expected { parameter.value = state[name]! }
    }
}

/// A state dictionary that does not fit a `BagHead`: every problem at once, each list sorted.
public struct BagHeadLoadError: Error, Equatable, CustomStringConvertible {
    public let missing: [String]
    public let unexpected: [String]
    /// "name: expected [..], found [..]" per mismatch.
    public let wrongShapes: [String]

    public var description: String {
        var parts: [String] = []
        if !missing.isEmpty { parts.append("missing \(missing.joined(separator: ", "))") }
        if !unexpected.isEmpty { parts.append("unexpected \(unexpected.joined(separator: ", "))") }
        if !wrongShapes.isEmpty { parts.append("wrong shapes \(wrongShapes.joined(separator: "; "))") }
        return "head weights do not fit: " + parts.joined(separator: "; ")
    }
}
