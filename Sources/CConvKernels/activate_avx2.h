// The activation of a store with AVX2 (enum ts_activation; ELU is applied by the callers'
// passes), shared by the AVX2 micro-kernels (avx2.c) and the Winograd output transforms
// (winograd_transforms.h), so both round and treat NaN alike. Private to this target.
#ifndef TS_ACTIVATE_AVX2_H
#define TS_ACTIVATE_AVX2_H
#if defined(__x86_64__)
#include <immintrin.h>

#include "CConvKernels.h"

// `slope` is the PReLU slopes of v's lanes.
__attribute__((target("avx2,fma"), always_inline))
static inline __m256 ts_activate_avx2(__m256 v, __m256 slope, int activation) {
    const __m256 zero = _mm256_setzero_ps();
    if (activation == TS_ACTIVATION_RELU) return _mm256_max_ps(zero, v);  // NaN kept: max_ps returns the second operand
    if (activation == TS_ACTIVATION_RELU6) return _mm256_min_ps(_mm256_set1_ps(6.0f), _mm256_max_ps(zero, v));
    // One of the two terms is 0, so the sum is the rounded product or v itself.
    if (activation == TS_ACTIVATION_PRELU) return _mm256_fmadd_ps(slope, _mm256_min_ps(zero, v), _mm256_max_ps(zero, v));
    return v;
}
#endif
#endif
