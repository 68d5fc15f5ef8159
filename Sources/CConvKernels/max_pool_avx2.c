// Max pooling of one output row with AVX2: the Swift module is compiled for baseline x86-64
// (SSE), where a SIMD16 loop runs as four 4-lane operations per vector. A cell replaces the
// running maximum only when greater — max_ps(v, m) is v > m ? v : m — so NaN never wins and
// an all-NaN window keeps the starting value, the lowest finite float, as TensorFlow's MaxPool.
#if defined(__x86_64__)
#include <float.h>
#include <immintrin.h>

#include "CConvKernels.h"
#include "store_first_avx2.h"

__attribute__((target("avx2")))
void ts_max_pool_row_avx2(const float *top, size_t rows, size_t in_w, size_t channels, size_t out_w, size_t kernel_w,
                          size_t stride_w, size_t pad_left, float *out) {
    const size_t row_floats = in_w * channels;
    const __m256 lowest = _mm256_set1_ps(-FLT_MAX);
    const __m256i lanes = _mm256_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7);
// Channel ch of every cell of the window.
#define EACH_CELL(cell)                                                                                                \
    for (size_t y = 0; y < rows; y++)                                                                                  \
        for (const float *cell = top + y * row_floats + x0 * channels + ch, *end = cell + (x1 - x0) * channels;        \
             cell < end; cell += channels)
    for (size_t j = 0; j < out_w; j++, out += channels) {
        // The window's columns inside the image.
        const ptrdiff_t left = (ptrdiff_t)(j * stride_w) - (ptrdiff_t)pad_left;
        const size_t x0 = left < 0 ? 0 : (size_t)left;
        const size_t x1 = left + (ptrdiff_t)kernel_w > (ptrdiff_t)in_w ? in_w : (size_t)(left + (ptrdiff_t)kernel_w);
        size_t ch = 0;
        // Four vectors per pass over the window, so each cell's loads come in one run.
        for (; ch + 32 <= channels; ch += 32) {
            __m256 m0 = lowest, m1 = lowest, m2 = lowest, m3 = lowest;
            EACH_CELL(cell) {
                m0 = _mm256_max_ps(_mm256_loadu_ps(cell), m0);
                m1 = _mm256_max_ps(_mm256_loadu_ps(cell + 8), m1);
                m2 = _mm256_max_ps(_mm256_loadu_ps(cell + 16), m2);
                m3 = _mm256_max_ps(_mm256_loadu_ps(cell + 24), m3);
            }
            _mm256_storeu_ps(out + ch, m0);
            _mm256_storeu_ps(out + ch + 8, m1);
            _mm256_storeu_ps(out + ch + 16, m2);
            _mm256_storeu_ps(out + ch + 24, m3);
        }
        // The rest, under 32 channels. One vector (at most 8 channels): loaded under a mask where
        // the channels end inside it — lanes past them read nothing and hold 0. Two to four: all
        // in one pass over the window as well, the last under that mask (a pass per vector cost
        // RNet's 28-channel pool twice the instructions). Stored whole, a last vector's lanes
        // past the channels land on the next pixels' first channels, which their own stores
        // replace; where the rest of the row is shorter than those lanes (the last pixels), the
        // valid lanes are stored in pieces.
        if (ch < channels) {
            const size_t rest = channels - ch, n = rest - (rest - 1) / 8 * 8;  // n: the last vector's lanes
            const size_t whole = (rest - n) / 8;  // vectors before it
            const __m256i k = _mm256_cmpgt_epi32(_mm256_set1_epi32((int)n), lanes);
            __m256 m = lowest, m0 = lowest, m1 = lowest, m2 = lowest;
            switch (whole) {
            case 0:
                if (n == 8) {
                    EACH_CELL(cell) m = _mm256_max_ps(_mm256_loadu_ps(cell), m);
                } else {
                    EACH_CELL(cell) m = _mm256_max_ps(_mm256_maskload_ps(cell, k), m);
                }
                break;
            case 1:
                EACH_CELL(cell) {
                    m0 = _mm256_max_ps(_mm256_loadu_ps(cell), m0);
                    m = _mm256_max_ps(_mm256_maskload_ps(cell + 8, k), m);
                }
                _mm256_storeu_ps(out + ch, m0);
                break;
            case 2:
                EACH_CELL(cell) {
                    m0 = _mm256_max_ps(_mm256_loadu_ps(cell), m0);
                    m1 = _mm256_max_ps(_mm256_loadu_ps(cell + 8), m1);
                    m = _mm256_max_ps(_mm256_maskload_ps(cell + 16, k), m);
                }
                _mm256_storeu_ps(out + ch, m0);
                _mm256_storeu_ps(out + ch + 8, m1);
                break;
            default:
                EACH_CELL(cell) {
                    m0 = _mm256_max_ps(_mm256_loadu_ps(cell), m0);
                    m1 = _mm256_max_ps(_mm256_loadu_ps(cell + 8), m1);
                    m2 = _mm256_max_ps(_mm256_loadu_ps(cell + 16), m2);
                    m = _mm256_max_ps(_mm256_maskload_ps(cell + 24, k), m);
                }
                _mm256_storeu_ps(out + ch, m0);
                _mm256_storeu_ps(out + ch + 8, m1);
                _mm256_storeu_ps(out + ch + 16, m2);
            }
            float *const last = out + ch + 8 * whole;
            if (n == 8 || (out_w - 1 - j) * channels >= 8 - n) {
                _mm256_storeu_ps(last, m);
            } else {
                ts_store_first_avx2(last, m, m, n);
            }
        }
    }
#undef EACH_CELL
}
#else
#include "CConvKernels.h"
void ts_max_pool_row_avx2(const float *top, size_t rows, size_t in_w, size_t channels, size_t out_w, size_t kernel_w,
                          size_t stride_w, size_t pad_left, float *out) {}
#endif
