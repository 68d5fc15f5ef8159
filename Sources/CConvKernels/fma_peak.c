// Register-only FMA loops: the floating-point peak one core reaches with each instruction set,
// for the benchmark's "fraction of peak". Enough independent accumulators to cover the FMA
// latency on every CPU this runs on (4 cycles x 2 pipes, plus headroom).
#include <immintrin.h>

#include "CConvKernels.h"

__attribute__((target("avx512f")))
static float peak_avx512(size_t iterations) {
    __m512 acc[16];
    const __m512 a = _mm512_set1_ps(0.999999f), b = _mm512_set1_ps(1e-7f);
#pragma clang loop unroll(full)
    for (int i = 0; i < 16; i++) acc[i] = _mm512_set1_ps((float)i);
    for (size_t n = 0; n < iterations; n++) {
#pragma clang loop unroll(full)
        for (int i = 0; i < 16; i++) acc[i] = _mm512_fmadd_ps(acc[i], a, b);
    }
    __m512 sum = acc[0];
#pragma clang loop unroll(full)
    for (int i = 1; i < 16; i++) sum = _mm512_add_ps(sum, acc[i]);
    return _mm512_reduce_add_ps(sum);
}

__attribute__((target("avx2,fma")))
static float peak_avx2(size_t iterations) {
    __m256 acc[12];
    const __m256 a = _mm256_set1_ps(0.999999f), b = _mm256_set1_ps(1e-7f);
#pragma clang loop unroll(full)
    for (int i = 0; i < 12; i++) acc[i] = _mm256_set1_ps((float)i);
    for (size_t n = 0; n < iterations; n++) {
#pragma clang loop unroll(full)
        for (int i = 0; i < 12; i++) acc[i] = _mm256_fmadd_ps(acc[i], a, b);
    }
    __m256 sum = acc[0];
#pragma clang loop unroll(full)
    for (int i = 1; i < 12; i++) sum = _mm256_add_ps(sum, acc[i]);
    float lanes[8];
    _mm256_storeu_ps(lanes, sum);
    return lanes[0] + lanes[1] + lanes[2] + lanes[3] + lanes[4] + lanes[5] + lanes[6] + lanes[7];
}

size_t ts_fma_peak_flops_per_iteration(int isa) {
    return isa == TS_ISA_AVX512 ? 16 * 16 * 2 : isa == TS_ISA_AVX2 ? 12 * 8 * 2 : 0;
}

float ts_fma_peak(int isa, size_t iterations) {
    switch (isa) {
    case TS_ISA_AVX512: return peak_avx512(iterations);
    case TS_ISA_AVX2: return peak_avx2(iterations);
    default: return 0;
    }
}
