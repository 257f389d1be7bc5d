import Foundation
import Tensor

/// Seeded weight initialisers with PyTorch's formulas.
///
/// `fanIn` of a conv weight [Cout, Cin, k, k] is Cin·k·k; `fanOut` is Cout·k·k.
public enum Initializers {
    /// PyTorch's default for `nn.Conv2d`/`nn.Linear` weights: kaiming-uniform with a = √5, which
    /// reduces to U(−1/√fanIn, 1/√fanIn).
    public static func defaultWeight(_ shape: [Int], generator: inout SeededGenerator) -> Tensor {
        let bound = 1 / Float(fanIn(of: shape)).squareRoot()
        return Tensor.uniform(shape, in: -bound, bound, generator: &generator)
    }

    /// PyTorch's default bias: U(−1/√fanIn, 1/√fanIn) with the weight's fan-in.
    public static func defaultBias(count: Int, fanIn: Int, generator: inout SeededGenerator) -> Tensor {
        let bound = fanIn > 0 ? 1 / Float(fanIn).squareRoot() : 0
        return Tensor.uniform([count], in: -bound, bound, generator: &generator)
    }

    /// `kaiming_normal_(mode="fan_out", nonlinearity="relu")`, torchvision ResNet's conv init:
    /// N(0, √(2/fanOut)).
    public static func kaimingNormalFanOut(_ shape: [Int], generator: inout SeededGenerator) -> Tensor {
        let std = (2 / Float(fanOut(of: shape))).squareRoot()
        return Tensor.normal(shape, standardDeviation: std, generator: &generator)
    }

    /// Inputs feeding one output unit: product of all dimensions after the first.
    public static func fanIn(of shape: [Int]) -> Int {
        shape.dropFirst().reduce(1, *)
    }

    /// Outputs fed by one input unit: first dimension times the receptive field (dims after the second).
    public static func fanOut(of shape: [Int]) -> Int {
        shape.count < 2 ? shape.first ?? 1 : shape[0] * shape.dropFirst(2).reduce(1, *)
    }
}
