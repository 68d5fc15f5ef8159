// Where the AVX-512 code (avx512.c, activate_avx512.h, winograd.c's 16-lane transforms) gets
// its intrinsics and its target attribute. Private to this target.
//
// Normally <immintrin.h> and target("avx512f"). Built with -DTS_AVX512_VIA_SIMDE (and -mavx2
// -mfma; scripts/test-avx512-source), the same source is compiled for AVX2 instead, each
// _mm512_* call then SIMDe's implementation (https://github.com/simd-everywhere/simde, Debian's
// libsimde-dev) — two 256-bit halves with AVX2's own fused multiply-add, so every sum rounds
// as the real instruction's — and the AVX-512 row runs on a CPU without AVX-512 (isa_table.c).
// That is how this source's logic is tested where no AVX-512 CPU is at hand; the plain-C
// emulation (emulated_avx512.c) is a second, independent implementation of the same row.
#ifndef TS_AVX512_INTRINSICS_H
#define TS_AVX512_INTRINSICS_H
#if defined(__x86_64__)

#if !defined(TS_AVX512_VIA_SIMDE)
#include <immintrin.h>
#define TS_AVX512_TARGET "avx512f"
#else
#if !defined(__AVX2__) || !defined(__FMA__)
#error "TS_AVX512_VIA_SIMDE needs -mavx2 -mfma, so SIMDe's halves fuse their multiply-adds as AVX-512 does"
#endif
#define SIMDE_ENABLE_NATIVE_ALIASES
#include <simde/x86/avx512.h>
#include <stdint.h>
#include <string.h>
#define TS_AVX512_TARGET "avx2,fma"
// 512-bit values pass only between always-inlined functions here, whose calling convention
// (what -Wpsabi warns of for 512-bit vectors without AVX-512) never applies.
#pragma clang diagnostic ignored "-Wpsabi"

// The four intrinsics the kernels use that Debian 12's SIMDe (0.7.4) lacks, with the
// hardware's semantics: masked loads and stores touch only the lanes of set bits (a masked-off
// lane past a buffer's end is never read or written), and a streaming store of a whole vector
// faults unless 64-byte aligned, as VMOVNTPS does.
__attribute__((always_inline)) static inline __m512 ts_simde_maskz_loadu_ps(__mmask16 k, const void *p) {
    float lanes[16] = {0};
    for (int i = 0; i < 16; i++)
        if (k >> i & 1) memcpy(&lanes[i], (const float *)p + i, sizeof(float));
    return _mm512_loadu_ps(lanes);
}

__attribute__((always_inline)) static inline void ts_simde_mask_storeu_ps(void *p, __mmask16 k, __m512 v) {
    float lanes[16];
    _mm512_storeu_ps(lanes, v);
    for (int i = 0; i < 16; i++)
        if (k >> i & 1) memcpy((float *)p + i, &lanes[i], sizeof(float));
}

__attribute__((always_inline)) static inline void ts_simde_stream_ps(void *p, __m512 v) {
    if ((uintptr_t)p & 63) __builtin_trap();
    _mm512_storeu_ps(p, v);
}

__attribute__((always_inline)) static inline float ts_simde_reduce_add_ps(__m512 v) {
    float lanes[16];
    _mm512_storeu_ps(lanes, v);
    for (int width = 8; width > 0; width /= 2)
        for (int i = 0; i < width; i++) lanes[i] += lanes[i + width];
    return lanes[0];
}

#undef _mm512_maskz_loadu_ps
#undef _mm512_mask_storeu_ps
#undef _mm512_stream_ps
#undef _mm512_reduce_add_ps
#define _mm512_maskz_loadu_ps(k, p) ts_simde_maskz_loadu_ps(k, p)
#define _mm512_mask_storeu_ps(p, k, v) ts_simde_mask_storeu_ps(p, k, v)
#define _mm512_stream_ps(p, v) ts_simde_stream_ps(p, v)
#define _mm512_reduce_add_ps(v) ts_simde_reduce_add_ps(v)
#endif

#endif
#endif
