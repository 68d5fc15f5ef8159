// Storing the first n lanes of a pair of AVX2 vectors without a masked store, shared by the
// AVX2 micro-kernels (avx2.c) and max pooling's row kernel (max_pool_avx2.c). Private to this
// target.
#ifndef TS_STORE_FIRST_AVX2_H
#define TS_STORE_FIRST_AVX2_H
#if defined(__x86_64__)
#include <immintrin.h>
#include <stddef.h>

// Stores the first n (below 16) lanes of v0:v1 in pieces of 8, 4, 2 and 1 floats.
// `_mm256_maskstore_ps` would be one instruction, but AMD's cores up to Zen 3 run a masked
// store as a microcoded sequence (about 12 cycles each), and a layer of 10 or 28 output
// channels stores one or two per output pixel: PNet's first layer spent over a third of its
// time in them.
__attribute__((target("avx2"), always_inline))
static inline void ts_store_first_avx2(float *out, __m256 v0, __m256 v1, size_t n) {
    if (n & 8) {
        _mm256_storeu_ps(out, v0);
        v0 = v1;
        out += 8;
    }
    __m128 h = _mm256_castps256_ps128(v0);
    if (n & 4) {
        _mm_storeu_ps(out, h);
        h = _mm256_extractf128_ps(v0, 1);
        out += 4;
    }
    if (n & 2) {
        _mm_storel_pi((__m64 *)out, h);
        h = _mm_movehl_ps(h, h);
        out += 2;
    }
    if (n & 1) _mm_store_ss(out, h);
}
#endif
#endif
