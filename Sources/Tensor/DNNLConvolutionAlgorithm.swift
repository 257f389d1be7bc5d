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
    /// Winograd where it was measured to pay (`prefersWinograd`), direct elsewhere.
    case auto

    /// Whether `auto` asks for Winograd for a stride-1 3×3 convolution of this shape, run on
    /// `threads` OpenMP threads. A fixed rule (never timed at run time, so runs are reproducible),
    /// from oneDNN 2.6 measured on 2 cores of a Zen 4 EPYC (docs/benchmarks.md, "Winograd"): every
    /// stride-1 3×3 convolution of ResNet-18 and ResNet-50 ran 1.4–3.0× faster with Winograd on
    /// one thread and at batch 32, but on a 7×7 map at batch 1 two threads gain nothing
    /// (F(2×2, 3×3) on 49 pixels gives 16 tiles, too few to share between threads), so those stay direct.
    public static func prefersWinograd(batch: Int, outputHeight: Int, outputWidth: Int, threads: Int) -> Bool {
        threads == 1 || batch * outputHeight * outputWidth > 7 * 7
    }

    /// Whether a convolution of this shape asks for Winograd under this choice (it still runs
    /// direct where oneDNN has no Winograd kernel for it).
    func asksForWinograd(kernel: Int, stride: Int, batch: Int, outputHeight: Int, outputWidth: Int,
                         threads: Int) -> Bool {
        guard kernel == 3, stride == 1 else { return false }
        switch self {
        case .direct: return false
        case .winograd: return true
        case .auto: return Self.prefersWinograd(batch: batch, outputHeight: outputHeight, outputWidth: outputWidth,
                                                threads: threads)
        }
    }
}
