import CPUPeak
import Foundation

/// The machine's floating-point peak, measured with the register-only FMA loops of `CPUPeak` on
/// every thread at once: the reference that `bench engine` and `bench encoders` report their
/// throughput against.
public struct FMAPeak: Sendable {
    /// GFLOP/s of the AVX-512 loop; nil where the CPU or OS lacks AVX-512F.
    public let avx512: Double?
    /// GFLOP/s of the AVX2+FMA loop; nil where the CPU lacks them.
    public let avx2: Double?

    /// The higher of the two (1 where neither runs, so shares stay finite).
    public var gflops: Double { max(avx512 ?? 0, avx2 ?? 0, 1) }

    /// One line naming each loop's rate, e.g. "AVX-512 170.2 GFLOP/s, AVX2 85.1 GFLOP/s".
    public var summary: String {
        [avx512.map { String(format: "AVX-512 %.1f GFLOP/s", $0) }, avx2.map { String(format: "AVX2 %.1f GFLOP/s", $0) }]
            .compactMap { $0 }.joined(separator: ", ")
    }

    /// Measures both loops where supported (about 1 s each).
    public static func measure(threads: Int) -> FMAPeak {
        FMAPeak(avx512: slidemil_cpu_avx512_supported() != 0 ? rate(threads: threads) { slidemil_fma_loop_avx512($0) } : nil,
                avx2: slidemil_cpu_avx2_fma_supported() != 0 ? rate(threads: threads) { slidemil_fma_loop_avx2($0) } : nil)
    }

    /// GFLOP/s of `loop` run on every thread at once (best of 3 rounds of about 0.2 s).
    private static func rate(threads: Int, _ loop: @escaping @Sendable (Int) -> Double) -> Double {
        var best = 0.0
        for _ in 0..<3 {
            let start = DispatchTime.now().uptimeNanoseconds
            let flops = UnsafeMutableBufferPointer<Double>.allocate(capacity: threads)
            defer { flops.deallocate() }
            DispatchQueue.concurrentPerform(iterations: threads) { thread in flops[thread] = loop(20_000_000) }
            let seconds = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
            best = max(best, flops.reduce(0, +) / seconds / 1e9)
        }
        return best
    }
}
