/// Which oneDNN algorithm computes a convolution.
///
/// Winograd computes a stride-1 3×3 convolution with fewer multiplications than the direct
/// method: oneDNN 2.6 has it on AVX-512 only (F(2×2, 3×3) and F(4×4, 3×3) kernels) and on a
/// blocked channel layout, so `DNNLConvolution` reorders its NHWC input into that layout and the
/// result back. Wherever Winograd is not implemented (another kernel size or stride, the AVX2 and
/// SSE4.1 paths) the convolution runs direct whatever is asked.
///
/// The process-wide choice is `SLIDEMIL_CONV_ALGORITHM=direct|winograd|auto` (default `auto`),
/// read once like `SLIDEMIL_CPU_ISA`; see `DNNL.convolutionAlgorithm`.
public enum DNNLConvolutionAlgorithm: String, CaseIterable, Sendable {
    /// The direct kernels for every convolution.
    case direct
    /// Winograd for every convolution it is implemented for, direct for the others.
    case winograd
    /// The measured rule: today Winograd for every stride-1 3×3 convolution where oneDNN has it,
    /// as `winograd`. A fixed rule (never timed at run time, so runs are reproducible), from oneDNN
    /// 2.6 on 2 cores of a Zen 4 EPYC (docs/benchmarks.md, "Winograd for stride-1 3×3
    /// convolutions"): every stride-1 3×3 convolution of ResNet-18 and ResNet-50 ran 1.3–3.0×
    /// faster on Winograd on one thread and at batch 32. On its own the 512-channel 7×7 one at
    /// batch 1 on two threads was slower (F(2×2, 3×3) gives 16 tiles to share), but whole networks
    /// at batch 1 on two threads ran as fast or 5–7 % faster with Winograd there too, so the rule
    /// has no exception. A rule by shape, batch or thread count belongs in `asksForWinograd`.
    /// Which Winograd kernel runs is oneDNN's choice (F(2×2) first where both apply): taking
    /// F(4×4) instead won on single convolutions with their weights in cache but lost in
    /// ResNet-50 at batch 1, where its 4× larger transformed weights stream from memory once per
    /// image (docs/benchmarks.md, "ResNet-50 at batch 1: where the time goes").
    case auto

    /// Whether a convolution of this shape asks for Winograd under this choice (it still runs
    /// direct where oneDNN has no Winograd kernel for it).
    func asksForWinograd(kernel: Int, stride: Int) -> Bool {
        guard kernel == 3, stride == 1 else { return false }
        switch self {
        case .direct: return false
        case .winograd, .auto: return true
        }
    }
}
