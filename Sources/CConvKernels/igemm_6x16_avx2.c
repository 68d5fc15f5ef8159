// 6 output pixels x 16 output channels (two 8-float vectors) per call: 12 accumulators, two
// weight loads and six broadcasts per input channel, 12 FMAs — the classic AVX2 shape.
#include <immintrin.h>

#include "ukernels.h"

#define MR 6

// The body of both entry points; `direct` is a constant in each, so each gets its own loop.
__attribute__((target("avx2,fma"), always_inline))
static inline int kernel(size_t taps, size_t in_c, const float *const *ind, size_t step, int direct,
                         const float *w, const float *bias, int relu, int stream, float *out, size_t ldo,
                         size_t mr, size_t nr) {
    __m256 acc0[MR], acc1[MR];
#pragma clang loop unroll(full)
    for (int m = 0; m < MR; m++) {
        acc0[m] = _mm256_setzero_ps();
        acc1[m] = _mm256_setzero_ps();
    }
    for (size_t t = 0; t < taps; t++) {
        const float *a0, *a1, *a2, *a3, *a4, *a5;
        if (direct) {
            a0 = ind[t], a1 = a0 + step, a2 = a1 + step, a3 = a2 + step, a4 = a3 + step, a5 = a4 + step;
        } else {
            a0 = ind[0], a1 = ind[1], a2 = ind[2], a3 = ind[3], a4 = ind[4], a5 = ind[5];
            ind += MR;
        }
        for (size_t c = 0; c < in_c; c++) {
            const __m256 w0 = _mm256_loadu_ps(w);
            const __m256 w1 = _mm256_loadu_ps(w + 8);
            w += 16;
#define STEP(m, a)                                                  \
    {                                                               \
        const __m256 x = _mm256_broadcast_ss(a + c);                \
        acc0[m] = _mm256_fmadd_ps(x, w0, acc0[m]);                  \
        acc1[m] = _mm256_fmadd_ps(x, w1, acc1[m]);                  \
    }
            STEP(0, a0) STEP(1, a1) STEP(2, a2) STEP(3, a3) STEP(4, a4) STEP(5, a5)
#undef STEP
        }
    }
    const __m256 zero = _mm256_setzero_ps();
    // v * 0 is NaN unless v is finite; summed as a tree, not a chain of 12 dependent FMAs.
    __m256 part[MR];
#pragma clang loop unroll(full)
    for (int m = 0; m < MR; m++) part[m] = _mm256_fmadd_ps(acc1[m], zero, _mm256_mul_ps(acc0[m], zero));
    const __m256 check = _mm256_add_ps(_mm256_add_ps(_mm256_add_ps(part[0], part[1]), part[2]),
                                       _mm256_add_ps(_mm256_add_ps(part[3], part[4]), part[5]));
    __m256 b0 = zero, b1 = zero;
    if (bias) {
        b0 = _mm256_loadu_ps(bias);
        b1 = _mm256_loadu_ps(bias + 8);
    }
    // Lanes below nr store: mask lane i is all ones when i < count.
    const __m256i lanes = _mm256_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7);
    const __m256i k0 = _mm256_cmpgt_epi32(_mm256_set1_epi32((int)(nr < 8 ? nr : 8)), lanes);
    const __m256i k1 = _mm256_cmpgt_epi32(_mm256_set1_epi32((int)(nr > 8 ? nr - 8 : 0)), lanes);
    // Unrolled with constant indices, so the accumulators stay in registers (a loop to `mr`
    // would index them at run time and force them to the stack on every FMA).
#pragma clang loop unroll(full)
    for (int m = 0; m < MR; m++) {
        if ((size_t)m >= mr) break;
        __m256 v0 = _mm256_add_ps(acc0[m], b0), v1 = _mm256_add_ps(acc1[m], b1);
        if (relu) {
            v0 = _mm256_max_ps(zero, v0);  // NaN kept: max_ps returns the second operand
            v1 = _mm256_max_ps(zero, v1);
        }
        if (stream) {
            // Whole, contiguous, 16-byte aligned rows (see ukernels.h), in 16-byte pieces.
            _mm_stream_ps(out, _mm256_castps256_ps128(v0));
            _mm_stream_ps(out + 4, _mm256_extractf128_ps(v0, 1));
            _mm_stream_ps(out + 8, _mm256_castps256_ps128(v1));
            _mm_stream_ps(out + 12, _mm256_extractf128_ps(v1, 1));
        } else if (nr == 16) {
            _mm256_storeu_ps(out, v0);
            _mm256_storeu_ps(out + 8, v1);
        } else {
            _mm256_maskstore_ps(out, k0, v0);
            _mm256_maskstore_ps(out + 8, k1, v1);
        }
        out += ldo;
    }
    const __m256 unordered = _mm256_cmp_ps(check, check, _CMP_UNORD_Q);
    return _mm256_movemask_ps(unordered) == 0;
}

__attribute__((target("avx2,fma")))
int ts_igemm_6x16_avx2(size_t taps, size_t in_c, const float *const *ind, const float *w,
                       const float *bias, int relu, int stream, float *out, size_t ldo, size_t mr, size_t nr) {
    return kernel(taps, in_c, ind, 0, 0, w, bias, relu, stream, out, ldo, mr, nr);
}

__attribute__((target("avx2,fma")))
int ts_dconv_6x16_avx2(size_t taps, size_t in_c, const float *const *rows, size_t step, const float *w,
                       const float *bias, int relu, int stream, float *out, size_t ldo, size_t nr) {
    return kernel(taps, in_c, rows, step, 1, w, bias, relu, stream, out, ldo, MR, nr);
}
