// 6 output pixels x 16 output channels (two 8-float vectors) per call: 12 accumulators, two
// weight loads and six broadcasts per input channel, 12 FMAs — the classic AVX2 shape.
#if defined(__x86_64__)
#include <immintrin.h>

#include "activate_avx2.h"
#include "isa_table.h"
#include "store_first_avx2.h"

#define MR 6

// Adds the biases, applies `activation` (a constant where inlined) and stores the first mr
// rows of the tile, ldo floats apart.
__attribute__((target("avx2,fma"), always_inline))
static inline void store_rows(const __m256 *acc0, const __m256 *acc1, __m256 b0, __m256 b1, __m256 s0, __m256 s1,
                              int activation, int stream, float *out, size_t ldo, size_t mr, size_t nr) {
    // Unrolled with constant indices, so the accumulators stay in registers (a loop to `mr`
    // would index them at run time and force them to the stack on every FMA).
#pragma clang loop unroll(full)
    for (int m = 0; m < MR; m++) {
        if ((size_t)m >= mr) break;
        const __m256 v0 = ts_activate_avx2(_mm256_add_ps(acc0[m], b0), s0, activation);
        const __m256 v1 = ts_activate_avx2(_mm256_add_ps(acc1[m], b1), s1, activation);
        if (stream) {
            // Whole, contiguous, 16-byte aligned rows (see isa_table.h), in 16-byte pieces.
            _mm_stream_ps(out, _mm256_castps256_ps128(v0));
            _mm_stream_ps(out + 4, _mm256_extractf128_ps(v0, 1));
            _mm_stream_ps(out + 8, _mm256_castps256_ps128(v1));
            _mm_stream_ps(out + 12, _mm256_extractf128_ps(v1, 1));
        } else if (nr == 16) {
            _mm256_storeu_ps(out, v0);
            _mm256_storeu_ps(out + 8, v1);
        } else {
            ts_store_first_avx2(out, v0, v1, nr);
        }
        out += ldo;
    }
}

// The body of both entry points; `direct` is a constant in each, so each gets its own loop.
__attribute__((target("avx2,fma"), always_inline))
static inline int kernel(size_t taps, size_t in_c, const float *const *ind, size_t step, int direct,
                         const float *w, size_t wskip, const float *bias, int activation, int stream, float *out,
                         size_t ldo, size_t mr, size_t nr) {
    __m256 acc0[MR], acc1[MR];
#pragma clang loop unroll(full)
    for (int m = 0; m < MR; m++) {
        acc0[m] = _mm256_setzero_ps();
        acc1[m] = _mm256_setzero_ps();
    }
#define STEP(m, a)                                                  \
    {                                                               \
        const __m256 x = _mm256_broadcast_ss(a);                    \
        acc0[m] = _mm256_fmadd_ps(x, w0, acc0[m]);                  \
        acc1[m] = _mm256_fmadd_ps(x, w1, acc1[m]);                  \
    }
    for (size_t t = 0; t < taps; t++) {
        if (direct) {
            // Pixels 0-2 from p, 3-5 from q = p + 3 steps: each broadcast is a base plus the
            // step scaled by 1 or 2, and only p, q and w advance (24 instructions per 12 FMAs,
            // not 28). Four input channels per trip, the rest one by one first: a first layer's
            // kernel row is short (15 floats for 5×5×3), and the exit of a 15-trip loop after
            // every kernel row is a large share of such a kernel's time (docs/ENGINE.md). The
            // AVX-512 kernel keeps one channel per trip: its trips are long enough already.
            const float *p = ind[t], *q = p + 3 * step;
            for (size_t c = in_c % 4; c > 0; c--, p++, q++) {
                const __m256 w0 = _mm256_loadu_ps(w);
                const __m256 w1 = _mm256_loadu_ps(w + 8);
                w += 16;
                STEP(0, p) STEP(1, p + step) STEP(2, p + 2 * step)
                STEP(3, q) STEP(4, q + step) STEP(5, q + 2 * step)
            }
            for (size_t c = in_c / 4; c > 0; c--) {
#pragma clang loop unroll(full)
                for (int u = 0; u < 4; u++) {
                    const __m256 w0 = _mm256_loadu_ps(w + 16 * u);
                    const __m256 w1 = _mm256_loadu_ps(w + 16 * u + 8);
                    STEP(0, p + u) STEP(1, p + step + u) STEP(2, p + 2 * step + u)
                    STEP(3, q + u) STEP(4, q + step + u) STEP(5, q + 2 * step + u)
                }
                w += 64, p += 4, q += 4;
                // Opaque to the optimiser, which would otherwise fold q back into p plus an
                // offset and bring the per-pixel arithmetic back.
                __asm__("" : "+r"(p), "+r"(q));
            }
        } else {
            const float *a0 = ind[0], *a1 = ind[1], *a2 = ind[2], *a3 = ind[3], *a4 = ind[4], *a5 = ind[5];
            ind += MR;
            for (size_t c = 0; c < in_c; c++) {
                const __m256 w0 = _mm256_loadu_ps(w);
                const __m256 w1 = _mm256_loadu_ps(w + 8);
                w += 16;
                STEP(0, a0 + c) STEP(1, a1 + c) STEP(2, a2 + c) STEP(3, a3 + c) STEP(4, a4 + c) STEP(5, a5 + c)
            }
        }
        w += wskip * 16;
    }
#undef STEP
    const __m256 zero = _mm256_setzero_ps();
    // v * 0 is NaN unless v is finite; summed as a tree, not a chain of 12 dependent FMAs.
    __m256 part[MR];
#pragma clang loop unroll(full)
    for (int m = 0; m < MR; m++) part[m] = _mm256_fmadd_ps(acc1[m], zero, _mm256_mul_ps(acc0[m], zero));
    const __m256 check = _mm256_add_ps(_mm256_add_ps(_mm256_add_ps(part[0], part[1]), part[2]),
                                       _mm256_add_ps(_mm256_add_ps(part[3], part[4]), part[5]));
    __m256 b0 = zero, b1 = zero, s0 = zero, s1 = zero;
    if (bias) {
        b0 = _mm256_loadu_ps(bias);
        b1 = _mm256_loadu_ps(bias + 8);
    }
    if (activation == TS_ACTIVATION_PRELU) {  // the slopes follow the block's biases
        s0 = _mm256_loadu_ps(bias + 16);
        s1 = _mm256_loadu_ps(bias + 24);
    }
#define STORE_ROWS(a) store_rows(acc0, acc1, b0, b1, s0, s1, a, stream, out, ldo, mr, nr)
    TS_WITH_ACTIVATION(activation, STORE_ROWS)
#undef STORE_ROWS
    const __m256 unordered = _mm256_cmp_ps(check, check, _CMP_UNORD_Q);
    return _mm256_movemask_ps(unordered) == 0;
}

__attribute__((target("avx2,fma")))
int ts_igemm_6x16_avx2(size_t taps, size_t in_c, const float *const *ind, const float *w, size_t wskip,
                       const float *bias, int activation, int stream, float *out, size_t ldo, size_t mr, size_t nr) {
    return kernel(taps, in_c, ind, 0, 0, w, wskip, bias, activation, stream, out, ldo, mr, nr);
}

__attribute__((target("avx2,fma")))
int ts_dconv_6x16_avx2(size_t taps, size_t in_c, const float *const *rows, size_t step, const float *w,
                       size_t wskip, const float *bias, int activation, int stream, float *out, size_t ldo, size_t nr) {
    return kernel(taps, in_c, rows, step, 1, w, wskip, bias, activation, stream, out, ldo, MR, nr);
}

// Register-only FMA loop for the machine's peak (see ts_fma_peak): 12 independent accumulators
// cover the FMA latency on every CPU this runs on (4 cycles x 2 pipes, plus headroom).
__attribute__((target("avx2,fma")))
float ts_peak_avx2(size_t iterations) {
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

#endif

#if defined(__x86_64__)
// Depthwise convolution, one row of output pixels: see ts_dwkernel in isa_table.h. Blocks of
// 16 channels (two vectors); the taps are summed in three interleaved accumulators (taps 0, 3,
// 6, …; 1, 4, 7, …; 2, 5, 8, …) so the FMAs of one block do not wait on each other, then added
// in that order. A block past the channels' end loads and stores under a mask.
__attribute__((target("avx2,fma")))
int ts_dwconv_avx2(size_t channels, size_t pixels, size_t taps, const float *const *ind, const float *w,
                   const float *bias, int activation, float *out) {
    const __m256 zero = _mm256_setzero_ps();
    const __m256i lanes = _mm256_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7);
    const size_t blocks = (channels + 15) / 16;
    const size_t bias_stride = activation == TS_ACTIVATION_PRELU ? 32 : 16;
    __m256 check = zero;
    for (size_t p = 0; p < pixels; p++, ind += taps) {
        for (size_t b = 0; b < blocks; b++) {
            const size_t c = b * 16, valid = channels - c < 16 ? channels - c : 16;
            const float *wb = w + b * taps * 16;
            __m256 a0 = zero, a1 = zero, b0 = zero, b1 = zero, c0 = zero, c1 = zero;
            const __m256i k0 = _mm256_cmpgt_epi32(_mm256_set1_epi32((int)(valid < 8 ? valid : 8)), lanes);
            const __m256i k1 = _mm256_cmpgt_epi32(_mm256_set1_epi32((int)(valid > 8 ? valid - 8 : 0)), lanes);
            if (valid == 16) {
                size_t t = 0;
                for (; t + 3 <= taps; t += 3, wb += 48) {
                    const float *x0 = ind[t] + c, *x1 = ind[t + 1] + c, *x2 = ind[t + 2] + c;
                    a0 = _mm256_fmadd_ps(_mm256_loadu_ps(x0), _mm256_loadu_ps(wb), a0);
                    a1 = _mm256_fmadd_ps(_mm256_loadu_ps(x0 + 8), _mm256_loadu_ps(wb + 8), a1);
                    b0 = _mm256_fmadd_ps(_mm256_loadu_ps(x1), _mm256_loadu_ps(wb + 16), b0);
                    b1 = _mm256_fmadd_ps(_mm256_loadu_ps(x1 + 8), _mm256_loadu_ps(wb + 24), b1);
                    c0 = _mm256_fmadd_ps(_mm256_loadu_ps(x2), _mm256_loadu_ps(wb + 32), c0);
                    c1 = _mm256_fmadd_ps(_mm256_loadu_ps(x2 + 8), _mm256_loadu_ps(wb + 40), c1);
                }
                for (; t < taps; t++, wb += 16) {
                    const float *x0 = ind[t] + c;
                    a0 = _mm256_fmadd_ps(_mm256_loadu_ps(x0), _mm256_loadu_ps(wb), a0);
                    a1 = _mm256_fmadd_ps(_mm256_loadu_ps(x0 + 8), _mm256_loadu_ps(wb + 8), a1);
                }
            } else {
                size_t t = 0;
                for (; t + 3 <= taps; t += 3, wb += 48) {
                    const float *x0 = ind[t] + c, *x1 = ind[t + 1] + c, *x2 = ind[t + 2] + c;
                    a0 = _mm256_fmadd_ps(_mm256_maskload_ps(x0, k0), _mm256_loadu_ps(wb), a0);
                    a1 = _mm256_fmadd_ps(_mm256_maskload_ps(x0 + 8, k1), _mm256_loadu_ps(wb + 8), a1);
                    b0 = _mm256_fmadd_ps(_mm256_maskload_ps(x1, k0), _mm256_loadu_ps(wb + 16), b0);
                    b1 = _mm256_fmadd_ps(_mm256_maskload_ps(x1 + 8, k1), _mm256_loadu_ps(wb + 24), b1);
                    c0 = _mm256_fmadd_ps(_mm256_maskload_ps(x2, k0), _mm256_loadu_ps(wb + 32), c0);
                    c1 = _mm256_fmadd_ps(_mm256_maskload_ps(x2 + 8, k1), _mm256_loadu_ps(wb + 40), c1);
                }
                for (; t < taps; t++, wb += 16) {
                    const float *x0 = ind[t] + c;
                    a0 = _mm256_fmadd_ps(_mm256_maskload_ps(x0, k0), _mm256_loadu_ps(wb), a0);
                    a1 = _mm256_fmadd_ps(_mm256_maskload_ps(x0 + 8, k1), _mm256_loadu_ps(wb + 8), a1);
                }
            }
            __m256 v0 = _mm256_add_ps(_mm256_add_ps(a0, b0), c0), v1 = _mm256_add_ps(_mm256_add_ps(a1, b1), c1);
            // v * 0 is NaN unless v is finite (lanes past the channels are 0).
            check = _mm256_fmadd_ps(v1, zero, _mm256_fmadd_ps(v0, zero, check));
            __m256 s0 = zero, s1 = zero;
            if (bias) {  // for PReLU, the block's slopes follow its biases
                const float *bb = bias + b * bias_stride;
                v0 = _mm256_add_ps(v0, _mm256_loadu_ps(bb));
                v1 = _mm256_add_ps(v1, _mm256_loadu_ps(bb + 8));
                if (activation == TS_ACTIVATION_PRELU) {
                    s0 = _mm256_loadu_ps(bb + 16);
                    s1 = _mm256_loadu_ps(bb + 24);
                }
            }
            v0 = ts_activate_avx2(v0, s0, activation);
            v1 = ts_activate_avx2(v1, s1, activation);
            float *o = out + p * channels + c;
            if (valid == 16) {
                _mm256_storeu_ps(o, v0);
                _mm256_storeu_ps(o + 8, v1);
            } else {
                ts_store_first_avx2(o, v0, v1, valid);
            }
        }
    }
    const __m256 unordered = _mm256_cmp_ps(check, check, _CMP_UNORD_Q);
    return _mm256_movemask_ps(unordered) == 0;
}
#endif
