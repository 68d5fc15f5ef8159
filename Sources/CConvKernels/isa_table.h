// The instruction sets the kernels are written for, as one table (private to this target).
// Adding an instruction set is a kernel file (its micro-kernels and peak loop, intrinsics only
// there, guarded for its architecture), a row in isa_table.c, and a case of Swift's KernelISA.
#ifndef TS_ISA_TABLE_H
#define TS_ISA_TABLE_H

#include <stddef.h>

#include "CConvKernels.h"

// Runs CALL(a) with the activation as the constant a (ELU, which the drivers apply, as none):
// an always-inlined epilogue gets one copy per activation rather than a test of it per row.
#define TS_WITH_ACTIVATION(activation, CALL)                                                        \
    switch (activation) {                                                                           \
    case TS_ACTIVATION_RELU: CALL(TS_ACTIVATION_RELU); break;                                       \
    case TS_ACTIVATION_RELU6: CALL(TS_ACTIVATION_RELU6); break;                                     \
    case TS_ACTIVATION_PRELU: CALL(TS_ACTIVATION_PRELU); break;                                     \
    default: CALL(TS_ACTIVATION_NONE);                                                              \
    }

// Computes an MR x NR output tile: out[m][n] = sum over taps t and channels c of
// ind[t * MR + m][c] * w[(t * (in_c + wskip) + c) * NR + n] — wskip channels of weights are
// skipped after each tap's, for a tile that reads only part of each kernel row; checks the sums are finite, adds bias[n]
// (when given), applies the activation (ts_activation), and stores rows m < mr, channels n < nr,
// rows ldo floats apart — with non-temporal stores when `stream`, which the driver asks only for
// rows that are whole pixels (nr = ldo = NR) and 16-byte aligned, so the rows of a call are one
// contiguous run and the write-combining buffers fill whole cache lines. Returns 1 when every
// sum was finite.
typedef int (*ts_ukernel)(size_t taps, size_t in_c, const float *const *ind, const float *w, size_t wskip,
                          const float *bias, int activation, int stream, float *out, size_t ldo, size_t mr,
                          size_t nr);

// The same for a run of MR pixels along one input row, `step` floats apart: pixel m reads
// rows[t] + m * step for tap t (one pointer per tap instead of MR), all MR rows stored.
typedef int (*ts_dkernel)(size_t taps, size_t in_c, const float *const *rows, size_t step, const float *w,
                          size_t wskip, const float *bias, int activation, int stream, float *out, size_t ldo, size_t nr);

// Depthwise convolution (channel multiplier 1) of `pixels` output pixels stored one after
// another, `channels` floats each: out[p][c] = sum over taps t of ind[p * taps + t][c] *
// w[block(c)][t][lane(c)], in blocks of NR channels (ts_igemm_pack_weights' layout of a
// [taps][1][channels] filter); then the bias and activation as ts_ukernel (bias as
// packed_bias, NULL for none; TS_ACTIVATION_ELU is left to the caller). Returns 1 when every
// sum was finite.
typedef int (*ts_dwkernel)(size_t channels, size_t pixels, size_t taps, const float *const *ind, const float *w,
                           const float *bias, int activation, float *out);

// The planar kernel (planar_run.c): n (at most 8) output pixels of one row, all out_c (at most
// TS_PLANAR_MAX_OUT) channels: out[p][o] = sum over a < kh, c < in_c, b < kw of
// planes[c * plane_floats + a * row_floats + p + b] * w[((a * kw + b) * in_c + c) * out_c + o] —
// w is the HWIO filter itself — checked finite (pixels p < n), plus bias[o] (NULL: none), the
// activation with slope bias[out_c + o] for TS_ACTIVATION_PRELU (ELU is left to the caller),
// stored at out + p * out_c for p < n, nothing past them. Reads 8 pixels' columns whatever n is.
// Returns 1 when every sum of the n pixels was finite.
typedef int (*ts_pkernel)(size_t kh, size_t kw, size_t in_c, size_t out_c, const float *planes, size_t row_floats,
                          size_t plane_floats, const float *w, const float *bias, int activation, float *out,
                          size_t n);

// One instruction set: its tile, its kernels, how a computed tile is streamed to memory and
// the fence after streaming, and its register-only FMA loop.
typedef struct {
    int isa;                       // enum ts_isa
    size_t mr, nr;                 // output pixels and channels per micro-kernel call
    ts_ukernel ukernel;
    ts_dkernel dkernel;
    ts_dwkernel dwkernel;
    ts_pkernel pkernel;            // NULL: no planar kernel
    void (*stream_tile)(float *out, const float *tile, size_t n);  // n floats, 16-byte aligned
    void (*fence)(void);           // after non-temporal stores, before the caller reads
    float (*peak)(size_t iterations);
    size_t peak_flops_per_iteration;
} ts_isa_row;

// The row of `isa` when this CPU runs it, else NULL.
const ts_isa_row *ts_isa_row_of(int isa);

#if defined(__x86_64__)
int ts_igemm_6x16_avx2(size_t taps, size_t in_c, const float *const *ind, const float *w, size_t wskip, const float *bias,
                       int activation, int stream, float *out, size_t ldo, size_t mr, size_t nr);
int ts_dconv_6x16_avx2(size_t taps, size_t in_c, const float *const *rows, size_t step, const float *w,
                       size_t wskip, const float *bias, int activation, int stream, float *out, size_t ldo, size_t nr);
float ts_peak_avx2(size_t iterations);
int ts_planar_8_avx2(size_t kh, size_t kw, size_t in_c, size_t out_c, const float *planes, size_t row_floats,
                     size_t plane_floats, const float *w, const float *bias, int activation, float *out, size_t n);
int ts_dwconv_avx2(size_t channels, size_t pixels, size_t taps, const float *const *ind, const float *w,
                   const float *bias, int activation, float *out);

int ts_igemm_8x32_avx512(size_t taps, size_t in_c, const float *const *ind, const float *w, size_t wskip, const float *bias,
                         int activation, int stream, float *out, size_t ldo, size_t mr, size_t nr);
int ts_dconv_8x32_avx512(size_t taps, size_t in_c, const float *const *rows, size_t step, const float *w,
                         size_t wskip, const float *bias, int activation, int stream, float *out, size_t ldo, size_t nr);
float ts_peak_avx512(size_t iterations);
int ts_dwconv_avx512(size_t channels, size_t pixels, size_t taps, const float *const *ind, const float *w,
                     const float *bias, int activation, float *out);

// Streaming stores shared by the x86 rows (SSE, which every x86-64 CPU has).
void ts_x86_stream_tile(float *out, const float *tile, size_t n);
// The AVX-512 row's kernels in plain C, bit for bit theirs (emulated_avx512.c): the row of
// TS_ISA_AVX512 on a CPU with AVX2 + FMA but not AVX-512F when TENSORSCOPE_EMULATE_AVX512=1,
// for testing the drivers' 8 x 32 paths there.
extern const ts_isa_row ts_emulated_avx512_row;
void ts_x86_fence(void);
#endif

#endif
