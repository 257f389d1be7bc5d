#ifndef SLIDEMIL_CPUPEAK_H
#define SLIDEMIL_CPUPEAK_H
// Register-only FMA loops that measure a core's floating-point peak, one per instruction set.
// Each function is compiled for its own ISA through a target attribute (the rest of the binary
// stays baseline x86-64), so callers must check the matching *_supported() function first.

/// Whether the CPU and OS support AVX-512F (cpuid and XCR0).
int slidemil_cpu_avx512_supported(void);
/// Whether the CPU and OS support AVX2 and FMA3.
int slidemil_cpu_avx2_fma_supported(void);

/// Runs `iterations` rounds of 12 independent 512-bit single-precision FMA chains and returns
/// the floating-point operations performed (2 per lane per FMA).
double slidemil_fma_loop_avx512(long iterations);
/// The same with 256-bit AVX2 FMAs.
double slidemil_fma_loop_avx2(long iterations);

#endif
