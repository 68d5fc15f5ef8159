// 8 output pixels x 32 output channels (two 16-float vectors) per call: 16 accumulators, two
// weight loads and eight broadcasts per input channel, 16 FMAs.
#if defined(__x86_64__)
#include "avx512_intrinsics.h"
#include <stdint.h>

#include "activate_avx512.h"
#include "isa_table.h"

#define MR 8

__attribute__((target(TS_AVX512_TARGET)))
static inline void stream16(float *out, __m512 v) {
    _mm_stream_ps(out, _mm512_castps512_ps128(v));
    _mm_stream_ps(out + 4, _mm512_extractf32x4_ps(v, 1));
    _mm_stream_ps(out + 8, _mm512_extractf32x4_ps(v, 2));
    _mm_stream_ps(out + 12, _mm512_extractf32x4_ps(v, 3));
}

// Adds the biases, applies `activation` (a constant where inlined) and stores the first mr
// rows of the tile, ldo floats apart.
__attribute__((target(TS_AVX512_TARGET), always_inline))
static inline void store_rows(const __m512 *acc0, const __m512 *acc1, __m512 b0, __m512 b1, __m512 s0, __m512 s1,
                              int activation, int stream, float *out, size_t ldo, size_t mr, size_t nr) {
    // Streamed rows (whole, contiguous, 16-byte aligned: see isa_table.h) are stored as two
    // vectors where 64-byte aligned, else in 16-byte pieces (Swift arrays start 16-byte aligned).
    const int width = !stream ? 0 : ((uintptr_t)out & 63) == 0 ? 64 : 16;
    const __mmask16 k0 = nr >= 16 ? 0xFFFF : (__mmask16)((1u << nr) - 1);
    const __mmask16 k1 = nr >= 32 ? 0xFFFF : nr <= 16 ? 0 : (__mmask16)((1u << (nr - 16)) - 1);
    // Unrolled with constant indices, so the accumulators stay in registers (a loop to `mr`
    // would index them at run time and force them to the stack on every FMA).
#pragma clang loop unroll(full)
    for (int m = 0; m < MR; m++) {
        if ((size_t)m >= mr) break;
        const __m512 v0 = ts_activate_avx512(_mm512_add_ps(acc0[m], b0), s0, activation);
        const __m512 v1 = ts_activate_avx512(_mm512_add_ps(acc1[m], b1), s1, activation);
        if (width == 64) {
            _mm512_stream_ps(out, v0);
            _mm512_stream_ps(out + 16, v1);
        } else if (width == 16) {
            stream16(out, v0);
            stream16(out + 16, v1);
        } else {
            _mm512_mask_storeu_ps(out, k0, v0);
            _mm512_mask_storeu_ps(out + 16, k1, v1);
        }
        out += ldo;
    }
}

// The body of both entry points; `direct` is a constant in each, so each gets its own loop.
__attribute__((target(TS_AVX512_TARGET), always_inline))
static inline int kernel(size_t taps, size_t in_c, const float *const *ind, size_t step, int direct,
                         const float *w, size_t wskip, const float *bias, int activation, int stream, float *out, size_t ldo,
                         size_t mr, size_t nr) {
    __m512 acc0[MR], acc1[MR];
#pragma clang loop unroll(full)
    for (int m = 0; m < MR; m++) {
        acc0[m] = _mm512_setzero_ps();
        acc1[m] = _mm512_setzero_ps();
    }
    for (size_t t = 0; t < taps; t++) {
        const float *a0, *a1, *a2, *a3, *a4, *a5, *a6, *a7;
        if (direct) {
            a0 = ind[t], a1 = a0 + step, a2 = a1 + step, a3 = a2 + step;
            a4 = a3 + step, a5 = a4 + step, a6 = a5 + step, a7 = a6 + step;
        } else {
            a0 = ind[0], a1 = ind[1], a2 = ind[2], a3 = ind[3];
            a4 = ind[4], a5 = ind[5], a6 = ind[6], a7 = ind[7];
            ind += MR;
        }
        for (size_t c = 0; c < in_c; c++) {
            const __m512 w0 = _mm512_loadu_ps(w);
            const __m512 w1 = _mm512_loadu_ps(w + 16);
            w += 32;
#define STEP(m, a)                                                  \
    {                                                               \
        const __m512 x = _mm512_set1_ps(a[c]);                      \
        acc0[m] = _mm512_fmadd_ps(x, w0, acc0[m]);                  \
        acc1[m] = _mm512_fmadd_ps(x, w1, acc1[m]);                  \
    }
            STEP(0, a0) STEP(1, a1) STEP(2, a2) STEP(3, a3)
            STEP(4, a4) STEP(5, a5) STEP(6, a6) STEP(7, a7)
#undef STEP
        }
        w += wskip * 32;
    }
    // v * 0 is 0 for every finite v and NaN otherwise: one sum of them tells whether all were
    // finite. Summed as a tree, not a chain of 16 dependent FMAs (64 cycles of latency at the
    // end of every call, which is 5 % of a call for an RGB first layer).
    const __m512 zero = _mm512_setzero_ps();
    __m512 part[MR];
#pragma clang loop unroll(full)
    for (int m = 0; m < MR; m++) part[m] = _mm512_fmadd_ps(acc1[m], zero, _mm512_mul_ps(acc0[m], zero));
    const __m512 check = _mm512_add_ps(_mm512_add_ps(_mm512_add_ps(part[0], part[1]), _mm512_add_ps(part[2], part[3])),
                                       _mm512_add_ps(_mm512_add_ps(part[4], part[5]), _mm512_add_ps(part[6], part[7])));
    __m512 b0 = zero, b1 = zero, s0 = zero, s1 = zero;
    if (bias) {
        b0 = _mm512_loadu_ps(bias);
        b1 = _mm512_loadu_ps(bias + 16);
    }
    if (activation == TS_ACTIVATION_PRELU) {  // the slopes follow the block's biases
        s0 = _mm512_loadu_ps(bias + 32);
        s1 = _mm512_loadu_ps(bias + 48);
    }
#define STORE_ROWS(a) store_rows(acc0, acc1, b0, b1, s0, s1, a, stream, out, ldo, mr, nr)
    TS_WITH_ACTIVATION(activation, STORE_ROWS)
#undef STORE_ROWS
    const __mmask16 bad = _mm512_cmp_ps_mask(check, check, _CMP_UNORD_Q);
    return bad == 0;
}

__attribute__((target(TS_AVX512_TARGET)))
int ts_igemm_8x32_avx512(size_t taps, size_t in_c, const float *const *ind, const float *w, size_t wskip,
                         const float *bias, int activation, int stream, float *out, size_t ldo, size_t mr, size_t nr) {
    return kernel(taps, in_c, ind, 0, 0, w, wskip, bias, activation, stream, out, ldo, mr, nr);
}

__attribute__((target(TS_AVX512_TARGET)))
int ts_dconv_8x32_avx512(size_t taps, size_t in_c, const float *const *rows, size_t step, const float *w,
                         size_t wskip, const float *bias, int activation, int stream, float *out, size_t ldo, size_t nr) {
    return kernel(taps, in_c, rows, step, 1, w, wskip, bias, activation, stream, out, ldo, MR, nr);
}

// Register-only FMA loop for the machine's peak (see ts_fma_peak): 16 independent accumulators.
__attribute__((target(TS_AVX512_TARGET)))
float ts_peak_avx512(size_t iterations) {
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

#endif

#if defined(__x86_64__)
// Depthwise convolution, one row of output pixels: see ts_dwkernel in isa_table.h. The AVX2
// kernel's loop (avx2.c) with blocks of 32 channels (two vectors) and masked loads and stores
// for a block past the channels' end.
__attribute__((target(TS_AVX512_TARGET)))
int ts_dwconv_avx512(size_t channels, size_t pixels, size_t taps, const float *const *ind, const float *w,
                     const float *bias, int activation, float *out) {
    const __m512 zero = _mm512_setzero_ps();
    const size_t blocks = (channels + 31) / 32;
    const size_t bias_stride = activation == TS_ACTIVATION_PRELU ? 64 : 32;
    __m512 check = zero;
    for (size_t p = 0; p < pixels; p++, ind += taps) {
        for (size_t b = 0; b < blocks; b++) {
            const size_t c = b * 32, valid = channels - c < 32 ? channels - c : 32;
            const __mmask16 k0 = valid >= 16 ? (__mmask16)0xFFFF : (__mmask16)((1u << valid) - 1);
            const __mmask16 k1 = valid >= 32 ? (__mmask16)0xFFFF : valid <= 16 ? (__mmask16)0 : (__mmask16)((1u << (valid - 16)) - 1);
            const float *wb = w + b * taps * 32;
            __m512 a0 = zero, a1 = zero, b0 = zero, b1 = zero, c0 = zero, c1 = zero;
            size_t t = 0;
            for (; t + 3 <= taps; t += 3, wb += 96) {
                const float *x0 = ind[t] + c, *x1 = ind[t + 1] + c, *x2 = ind[t + 2] + c;
                a0 = _mm512_fmadd_ps(_mm512_maskz_loadu_ps(k0, x0), _mm512_loadu_ps(wb), a0);
                a1 = _mm512_fmadd_ps(_mm512_maskz_loadu_ps(k1, x0 + 16), _mm512_loadu_ps(wb + 16), a1);
                b0 = _mm512_fmadd_ps(_mm512_maskz_loadu_ps(k0, x1), _mm512_loadu_ps(wb + 32), b0);
                b1 = _mm512_fmadd_ps(_mm512_maskz_loadu_ps(k1, x1 + 16), _mm512_loadu_ps(wb + 48), b1);
                c0 = _mm512_fmadd_ps(_mm512_maskz_loadu_ps(k0, x2), _mm512_loadu_ps(wb + 64), c0);
                c1 = _mm512_fmadd_ps(_mm512_maskz_loadu_ps(k1, x2 + 16), _mm512_loadu_ps(wb + 80), c1);
            }
            for (; t < taps; t++, wb += 32) {
                const float *x0 = ind[t] + c;
                a0 = _mm512_fmadd_ps(_mm512_maskz_loadu_ps(k0, x0), _mm512_loadu_ps(wb), a0);
                a1 = _mm512_fmadd_ps(_mm512_maskz_loadu_ps(k1, x0 + 16), _mm512_loadu_ps(wb + 16), a1);
            }
            __m512 v0 = _mm512_add_ps(_mm512_add_ps(a0, b0), c0), v1 = _mm512_add_ps(_mm512_add_ps(a1, b1), c1);
            // v * 0 is NaN unless v is finite (lanes past the channels are 0).
            check = _mm512_fmadd_ps(v1, zero, _mm512_fmadd_ps(v0, zero, check));
            __m512 s0 = zero, s1 = zero;
            if (bias) {  // for PReLU, the block's slopes follow its biases
                const float *bb = bias + b * bias_stride;
                v0 = _mm512_add_ps(v0, _mm512_loadu_ps(bb));
                v1 = _mm512_add_ps(v1, _mm512_loadu_ps(bb + 16));
                if (activation == TS_ACTIVATION_PRELU) {
                    s0 = _mm512_loadu_ps(bb + 32);
                    s1 = _mm512_loadu_ps(bb + 48);
                }
            }
            v0 = ts_activate_avx512(v0, s0, activation);
            v1 = ts_activate_avx512(v1, s1, activation);
            float *o = out + p * channels + c;
            _mm512_mask_storeu_ps(o, k0, v0);
            _mm512_mask_storeu_ps(o + 16, k1, v1);
        }
    }
    return _mm512_cmp_ps_mask(check, check, _CMP_UNORD_Q) == 0;
}
#endif
