// The activation of a store with AVX-512 (enum ts_activation; ELU is applied by the callers'
// passes), shared by the AVX-512 micro-kernels (avx512.c) and the Winograd output transforms'
// AVX-512 variant (winograd.c), so both round and treat NaN alike. Private to this target.
#ifndef TS_ACTIVATE_AVX512_H
#define TS_ACTIVATE_AVX512_H
#if defined(__x86_64__)
#include "avx512_intrinsics.h"

#include "CConvKernels.h"

// `slope` is the PReLU slopes of v's lanes.
__attribute__((target(TS_AVX512_TARGET), always_inline))
static inline __m512 ts_activate_avx512(__m512 v, __m512 slope, int activation) {
    const __m512 zero = _mm512_setzero_ps();
    // max(v, 0) with NaN kept: max_ps returns its second operand when one is NaN.
    if (activation == TS_ACTIVATION_RELU) return _mm512_max_ps(zero, v);
    if (activation == TS_ACTIVATION_RELU6) return _mm512_min_ps(_mm512_set1_ps(6.0f), _mm512_max_ps(zero, v));
    // One of the two terms is 0, so the sum is the rounded product or v itself.
    if (activation == TS_ACTIVATION_PRELU) return _mm512_fmadd_ps(slope, _mm512_min_ps(zero, v), _mm512_max_ps(zero, v));
    return v;
}
#endif
#endif
