import NN
import Tensor

/// Training produced a NaN or infinite number (a learning rate far too large, features with
/// extreme values). The model's weights are then meaningless, so trainers stop at once and the
/// caller must save nothing.
public struct TrainingDivergedError: Error, CustomStringConvertible, Equatable, Sendable {
    /// 1-based epoch in which the value appeared.
    public let epoch: Int
    /// What became non-finite, e.g. "the training loss" or "the gradient of 'classifier.weight'".
    public let quantity: String
    /// The value, printed as `nan`, `inf` or `-inf`.
    public let value: String

    /// `quantity` took the non-finite `value` in `epoch`.
    public init(epoch: Int, quantity: String, value: Float) {
        self.epoch = epoch
        self.quantity = quantity
        self.value = "\(value)"
    }

    /// One line naming the epoch and the quantity.
    public var description: String {
        "training diverged in epoch \(epoch): \(quantity) is \(value)"
    }
}

/// The checks `MILTrainer` runs after each optimiser step: the loss, every gradient and every weight
/// must be finite. O(parameter count) per step, small next to a forward pass over a bag.
enum FiniteTrainingCheck {
    /// Throws when `loss` is not finite.
    static func requireFinite(loss: Float, what: String = "the training loss", epoch: Int) throws {
        guard loss.isFinite else { throw TrainingDivergedError(epoch: epoch, quantity: what, value: loss) }
    }

    /// Throws when any gradient of `parameters` holds a non-finite value.
    static func requireFiniteGradients(_ parameters: [(name: String, parameter: Parameter)], epoch: Int) throws {
        for (name, parameter) in parameters where !allFinite(parameter.gradient) {
            if let bad = parameter.gradient.storage.first(where: { !$0.isFinite }) {
                throw TrainingDivergedError(epoch: epoch, quantity: "the gradient of '\(name)'", value: bad)
            }
        }
    }

    /// Throws when any weight of `parameters` holds a non-finite value (after an optimiser step).
    static func requireFiniteWeights(_ parameters: [(name: String, parameter: Parameter)], epoch: Int) throws {
        for (name, parameter) in parameters where !allFinite(parameter.value) {
            if let bad = parameter.value.storage.first(where: { !$0.isFinite }) {
                throw TrainingDivergedError(epoch: epoch, quantity: "the weight '\(name)'", value: bad)
            }
        }
    }

    /// Whether every value is finite: the largest exponent field over the values is below the
    /// all-ones field of NaN and infinity (an integer max, which the compiler vectorises; this
    /// runs over every weight and gradient after each step).
    static func allFinite(_ tensor: Tensor) -> Bool {
        tensor.withUnsafeBufferPointer { values in
            values.withMemoryRebound(to: UInt32.self) { bits in
                var largest: UInt32 = 0
                for word in bits { largest = max(largest, word & 0x7f80_0000) }
                return largest != 0x7f80_0000
            }
        }
    }
}
