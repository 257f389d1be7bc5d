import Tensor

/// The feed-forward half of a transformer block for inference: `fc2(act(fc1(x)))` (timm's `Mlp`),
/// or the packed SwiGLU `fc2(act(a) · b)` where `fc1` yields `[a | b]` (timm's `SwiGLUPacked`,
/// used with SiLU by DINOv2-style models such as Virchow 2, UNI 2 and H-optimus-0).
public struct TransformerMLP: Sendable {
    /// How the hidden activations are formed.
    public enum Kind: String, Sendable, Equatable {
        /// `act(fc1(x))`, hidden width = fc1's output.
        case plain
        /// `act(a) · b` for `[a | b] = fc1(x)`, hidden width = half of fc1's output.
        case packedGLU
    }

    /// Plain or gated.
    public let kind: Kind
    /// The nonlinearity (GELU for plain ViTs, SiLU for SwiGLU).
    public let activation: TokenActivation
    /// `fc1`: width → fc1 output.
    public let fc1: TokenLinear
    /// `fc2`: hidden → width, adding its product (times the block's LayerScale) to the residual.
    public let fc2: TokenLinear

    /// An MLP from its layers.
    /// - Precondition: fc2 takes fc1's output (plain) or half of it (packed GLU).
    public init(kind: Kind, activation: TokenActivation, fc1: TokenLinear, fc2: TokenLinear) {
        let hidden = kind == .plain ? fc1.outputWidth : fc1.outputWidth / 2
        precondition(kind == .plain || fc1.outputWidth % 2 == 0, "packed GLU needs an even fc1 width")
        precondition(!fc1.fusesGELU || (kind == .plain && activation == .gelu), "fc1 may fuse GELU only in a plain GELU MLP")
        precondition(fc2.addsToResidual, "fc2 must add to the residual stream")
        precondition(fc2.inputWidth == hidden && fc2.outputWidth == fc1.inputWidth,
                     "fc2 [\(fc2.outputWidth), \(fc2.inputWidth)] does not follow fc1 [\(fc1.outputWidth), \(fc1.inputWidth)]")
        self.kind = kind
        self.activation = activation
        self.fc1 = fc1
        self.fc2 = fc2
    }

    /// Adds `gamma ⊙ fc2(hidden)` for `rows` rows of `input` to `residual`. `hidden` is scratch of
    /// rows · fc1.outputWidth; `gated` (packed GLU only) of rows · fc2.inputWidth, where the gated
    /// half is gathered densely, since oneDNN's fast matmul kernels need dense rows (with strided
    /// rows and the residual post-ops it falls back to its reference kernel).
    public func apply(_ input: UnsafePointer<Float>, rows: Int, hidden: UnsafeMutablePointer<Float>,
                      gated: UnsafeMutablePointer<Float>, into residual: UnsafeMutablePointer<Float>, workers: Int) {
        guard rows > 0 else { return }
        let stride = fc1.outputWidth
        fc1.apply(input, inputStride: fc1.inputWidth, rows: rows, into: hidden, outputStride: stride, workers: workers)
        switch kind {
        case .plain where fc1.fusesGELU:
            break
        case .plain:
            activation.apply(hidden, count: rows * stride, workers: workers)
        case .packedGLU:
            activation.applyGated(hidden, rows: rows, half: stride / 2, stride: stride, into: gated, outputStride: stride / 2,
                                  workers: workers)
            fc2.apply(gated, inputStride: stride / 2, rows: rows, into: residual, outputStride: fc2.outputWidth, workers: workers)
            return
        }
        fc2.apply(hidden, inputStride: stride, rows: rows, into: residual, outputStride: fc2.outputWidth, workers: workers)
    }
}
