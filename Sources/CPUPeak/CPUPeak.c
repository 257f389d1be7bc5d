#include "CPUPeak.h"
#include <immintrin.h>

// Keeps the loops' results alive so the compiler cannot drop them.
static volatile float sink;

int slidemil_cpu_avx512_supported(void) {
    __builtin_cpu_init();
    return __builtin_cpu_supports("avx512f");
}

int slidemil_cpu_avx2_fma_supported(void) {
    __builtin_cpu_init();
    return __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma");
}

// 12 independent chains cover the FMA latency (4 cycles) times two FMA pipes with room to spare.
#define CHAINS(X) X(0) X(1) X(2) X(3) X(4) X(5) X(6) X(7) X(8) X(9) X(10) X(11)

__attribute__((target("avx512f")))
double slidemil_fma_loop_avx512(long iterations) {
    const __m512 scale = _mm512_set1_ps(0.999999f), shift = _mm512_set1_ps(1e-7f);
#define DECLARE(i) __m512 a##i = _mm512_set1_ps(1.0f + (float)(i) * 1e-3f);
    CHAINS(DECLARE)
#undef DECLARE
    for (long n = 0; n < iterations; n++) {
#define STEP(i) a##i = _mm512_fmadd_ps(a##i, scale, shift);
        CHAINS(STEP)
#undef STEP
    }
    __m512 total = _mm512_setzero_ps();
#define ADD(i) total = _mm512_add_ps(total, a##i);
    CHAINS(ADD)
#undef ADD
    sink = _mm512_reduce_add_ps(total);
    return (double)iterations * 12 * 16 * 2;
}

__attribute__((target("avx2,fma")))
double slidemil_fma_loop_avx2(long iterations) {
    const __m256 scale = _mm256_set1_ps(0.999999f), shift = _mm256_set1_ps(1e-7f);
#define DECLARE(i) __m256 a##i = _mm256_set1_ps(1.0f + (float)(i) * 1e-3f);
    CHAINS(DECLARE)
#undef DECLARE
    for (long n = 0; n < iterations; n++) {
#define STEP(i) a##i = _mm256_fmadd_ps(a##i, scale, shift);
        CHAINS(STEP)
#undef STEP
    }
    __m256 total = _mm256_setzero_ps();
#define ADD(i) total = _mm256_add_ps(total, a##i);
    CHAINS(ADD)
#undef ADD
    float lanes[8];
    _mm256_storeu_ps(lanes, total);
    sink = lanes[0] + lanes[1] + lanes[2] + lanes[3] + lanes[4] + lanes[5] + lanes[6] + lanes[7];
    return (double)iterations * 12 * 8 * 2;
}
