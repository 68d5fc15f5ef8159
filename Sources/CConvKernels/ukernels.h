// The micro-kernel interface shared by the ISA variants (private to this target).
#ifndef TS_UKERNELS_H
#define TS_UKERNELS_H

#include <stddef.h>

// Computes an MR x NR output tile: out[m][n] = sum over taps t and channels c of
// ind[t * MR + m][c] * w[(t * in_c + c) * NR + n]; checks the sums are finite, adds bias[n]
// (when given), applies ReLU (when asked), and stores rows m < mr, channels n < nr, rows
// ldo floats apart — with non-temporal stores when `stream`, which the driver asks only for
// rows that are whole pixels (nr = ldo = NR) and 16-byte aligned, so the rows of a call are one
// contiguous run and the write-combining buffers fill whole cache lines. Returns 1 when every
// sum was finite.
typedef int (*ts_ukernel)(size_t taps, size_t in_c, const float *const *ind, const float *w,
                          const float *bias, int relu, int stream, float *out, size_t ldo, size_t mr,
                          size_t nr);

// The same for a run of MR pixels along one input row, `step` floats apart: pixel m reads
// rows[t] + m * step for tap t (one pointer per tap instead of MR), all MR rows stored.
typedef int (*ts_dkernel)(size_t taps, size_t in_c, const float *const *rows, size_t step, const float *w,
                          const float *bias, int relu, int stream, float *out, size_t ldo, size_t nr);

int ts_igemm_6x16_avx2(size_t taps, size_t in_c, const float *const *ind, const float *w,
                       const float *bias, int relu, int stream, float *out, size_t ldo, size_t mr, size_t nr);
int ts_igemm_8x32_avx512(size_t taps, size_t in_c, const float *const *ind, const float *w,
                         const float *bias, int relu, int stream, float *out, size_t ldo, size_t mr, size_t nr);

int ts_dconv_6x16_avx2(size_t taps, size_t in_c, const float *const *rows, size_t step, const float *w,
                       const float *bias, int relu, int stream, float *out, size_t ldo, size_t nr);
int ts_dconv_8x32_avx512(size_t taps, size_t in_c, const float *const *rows, size_t step, const float *w,
                         const float *bias, int relu, int stream, float *out, size_t ldo, size_t nr);

#endif
