// The planar micro-kernel with AVX2: 8 output pixels of one row in the lanes, one accumulator
// per output channel (see ts_pkernel in isa_table.h). Layers with a few input channels and a
// few output channels (an RGB first layer of 10 filters) leave most lanes of a vector across
// channels empty; across pixels every lane works. AVX-512 CPUs run this kernel too.
#if defined(__x86_64__)
#include <immintrin.h>

#include "activate_avx2.h"
#include "isa_table.h"
#include "store_first_avx2.h"

#define PIXELS 8

// The kernel for `oc` output channels, a constant at each call below, so the loops over the
// channels unroll and the accumulators stay in registers.
__attribute__((target("avx2,fma"), always_inline))
static inline int planar(const int oc, size_t kh, size_t kw, size_t in_c, const float *planes, size_t row_floats,
                         size_t plane_floats, const float *w, const float *bias, int activation, float *out, size_t n) {
    __m256 acc[TS_PLANAR_MAX_OUT];
#pragma clang loop unroll(full)
    for (int o = 0; o < TS_PLANAR_MAX_OUT; o++) acc[o] = _mm256_setzero_ps();
    // Taps in HWIO order: the filter is read as it is, [a][b][c][o].
    for (size_t a = 0; a < kh; a++) {
        for (size_t c = 0; c < in_c; c++) {
            const float *row = planes + c * plane_floats + a * row_floats;
            const float *wt = w + (a * kw * in_c + c) * (size_t)oc;
            for (size_t b = 0; b < kw; b++, wt += in_c * (size_t)oc) {
                const __m256 x = _mm256_loadu_ps(row + b);
#pragma clang loop unroll(full)
                for (int o = 0; o < TS_PLANAR_MAX_OUT; o++)
                    if (o < oc) acc[o] = _mm256_fmadd_ps(x, _mm256_broadcast_ss(wt + o), acc[o]);
            }
        }
    }
    // v * 0 is NaN unless v is finite; lanes past the n pixels are not looked at.
    const __m256 zero = _mm256_setzero_ps();
    __m256 check = zero;
#pragma clang loop unroll(full)
    for (int o = 0; o < TS_PLANAR_MAX_OUT; o++)
        if (o < oc) check = _mm256_fmadd_ps(acc[o], zero, check);
    const int finite = (_mm256_movemask_ps(_mm256_cmp_ps(check, check, _CMP_UNORD_Q)) & ((1 << n) - 1)) == 0;
#pragma clang loop unroll(full)
    for (int o = 0; o < TS_PLANAR_MAX_OUT; o++) {
        if (o >= oc) {
            acc[o] = zero;
            continue;
        }
        __m256 v = bias ? _mm256_add_ps(acc[o], _mm256_broadcast_ss(bias + o)) : acc[o];
        const __m256 slope = activation == TS_ACTIVATION_PRELU ? _mm256_broadcast_ss(bias + oc + o) : zero;
        acc[o] = ts_activate_avx2(v, slope, activation);
    }
    // Channels 0-7 transposed to one vector per pixel, channels 8-11 to one 4-lane vector per pixel.
    const __m256 t0 = _mm256_unpacklo_ps(acc[0], acc[1]), t1 = _mm256_unpackhi_ps(acc[0], acc[1]);
    const __m256 t2 = _mm256_unpacklo_ps(acc[2], acc[3]), t3 = _mm256_unpackhi_ps(acc[2], acc[3]);
    const __m256 t4 = _mm256_unpacklo_ps(acc[4], acc[5]), t5 = _mm256_unpackhi_ps(acc[4], acc[5]);
    const __m256 t6 = _mm256_unpacklo_ps(acc[6], acc[7]), t7 = _mm256_unpackhi_ps(acc[6], acc[7]);
    const __m256 s0 = _mm256_shuffle_ps(t0, t2, 0x44), s1 = _mm256_shuffle_ps(t0, t2, 0xEE);
    const __m256 s2 = _mm256_shuffle_ps(t1, t3, 0x44), s3 = _mm256_shuffle_ps(t1, t3, 0xEE);
    const __m256 s4 = _mm256_shuffle_ps(t4, t6, 0x44), s5 = _mm256_shuffle_ps(t4, t6, 0xEE);
    const __m256 s6 = _mm256_shuffle_ps(t5, t7, 0x44), s7 = _mm256_shuffle_ps(t5, t7, 0xEE);
    __m256 lo[PIXELS];
    lo[0] = _mm256_permute2f128_ps(s0, s4, 0x20);
    lo[1] = _mm256_permute2f128_ps(s1, s5, 0x20);
    lo[2] = _mm256_permute2f128_ps(s2, s6, 0x20);
    lo[3] = _mm256_permute2f128_ps(s3, s7, 0x20);
    lo[4] = _mm256_permute2f128_ps(s0, s4, 0x31);
    lo[5] = _mm256_permute2f128_ps(s1, s5, 0x31);
    lo[6] = _mm256_permute2f128_ps(s2, s6, 0x31);
    lo[7] = _mm256_permute2f128_ps(s3, s7, 0x31);
    __m128 hi[PIXELS];
    if (oc > 8) {
        const __m256 u0 = _mm256_unpacklo_ps(acc[8], acc[9]), u1 = _mm256_unpackhi_ps(acc[8], acc[9]);
        const __m256 u2 = _mm256_unpacklo_ps(acc[10], acc[11]), u3 = _mm256_unpackhi_ps(acc[10], acc[11]);
        const __m256 q0 = _mm256_shuffle_ps(u0, u2, 0x44), q1 = _mm256_shuffle_ps(u0, u2, 0xEE);
        const __m256 q2 = _mm256_shuffle_ps(u1, u3, 0x44), q3 = _mm256_shuffle_ps(u1, u3, 0xEE);
        hi[0] = _mm256_castps256_ps128(q0), hi[4] = _mm256_extractf128_ps(q0, 1);
        hi[1] = _mm256_castps256_ps128(q1), hi[5] = _mm256_extractf128_ps(q1, 1);
        hi[2] = _mm256_castps256_ps128(q2), hi[6] = _mm256_extractf128_ps(q2, 1);
        hi[3] = _mm256_castps256_ps128(q3), hi[7] = _mm256_extractf128_ps(q3, 1);
    } else {
#pragma clang loop unroll(full)
        for (int p = 0; p < PIXELS; p++) hi[p] = _mm_setzero_ps();
    }
    // Pixel by pixel, in order: a whole 8- (and 4-) float store spills into the next pixels'
    // channels, which their own stores then replace; where fewer floats of the n pixels remain,
    // exactly the pixel's channels are stored.
    const size_t whole = oc > 8 ? 12 : 8;
#pragma clang loop unroll(full)
    for (int p = 0; p < PIXELS; p++) {
        if ((size_t)p >= n) break;
        float *dst = out + (size_t)p * oc;
        if ((n - (size_t)p) * (size_t)oc >= whole) {
            _mm256_storeu_ps(dst, lo[p]);
            if (oc > 8) _mm_storeu_ps(dst + 8, hi[p]);
        } else {
            ts_store_first_avx2(dst, lo[p], _mm256_castps128_ps256(hi[p]), (size_t)oc);
        }
    }
    return finite;
}

__attribute__((target("avx2,fma")))
int ts_planar_8_avx2(size_t kh, size_t kw, size_t in_c, size_t out_c, const float *planes, size_t row_floats,
                     size_t plane_floats, const float *w, const float *bias, int activation, float *out, size_t n) {
#define CASE(OC)                                                                                                       \
    case OC: return planar(OC, kh, kw, in_c, planes, row_floats, plane_floats, w, bias, activation, out, n);
    switch (out_c) {
        CASE(1) CASE(2) CASE(3) CASE(4) CASE(5) CASE(6) CASE(7) CASE(8) CASE(9) CASE(10) CASE(11) CASE(12)
    }
#undef CASE
    return 0;
}
#endif
