// What Winograd F(4 x 4, 3 x 3) (winograd_f43.c) and F(2 x 2, 5 x 5) (winograd_f25.c) share,
// private to this target. Both use the points 0, 1, -1, 2, -2 and infinity, so both take their
// 6 x 6 input patches through the same B^T (it depends on the points only); their filters
// differ in G's columns (3 or 5) and their outputs in A^T's rows (4 or 2).
#ifndef TS_WINOGRAD_H
#define TS_WINOGRAD_H
#if defined(__x86_64__)
#include <math.h>
#include <stddef.h>

#include "CConvKernels.h"
#include "activate_avx2.h"
#include "isa_table.h"

typedef float ts_v8 __attribute__((vector_size(32), aligned(4)));

// Tiles one ts_winograd_input_avx2 call takes along a tile row (its stack buffer's size).
#define TS_WINOGRAD_ROW_TILES 8

// Floats of a transformed filter: [36][ceil(out_c / NR)][in_c][NR].
size_t ts_winograd_packed_count(int isa, size_t in_c, size_t out_c);

// U[xi] = (G g G^T)[xi] of an [r, r, in_c, out_c] HWIO filter for the input channels
// [first_c, end_c) and every output channel (g the 6 x r matrix G, row-major), computed in
// double eight output channels at a time and rounded once, stored as the igemm micro-kernel
// reads a [1, 1, in_c, out_c] filter: per xi, blocks of NR (a multiple of 8) output channels,
// each [in_c][NR], zero past out_c. Inlined into each variant so its G's zeros are skipped.
__attribute__((target("avx2,fma"), always_inline)) static inline void
ts_winograd_pack(size_t nr, const float *hwio, const size_t r, const double *g, size_t in_c, size_t out_c,
                 size_t first_c, size_t end_c, float *u) {
    typedef double d8 __attribute__((vector_size(64), aligned(8)));
    typedef float f8 __attribute__((vector_size(32), aligned(4)));
    const size_t blocks = (out_c + nr - 1) / nr;
    for (size_t c = first_c; c < end_c; c++)
        for (size_t k = 0; k < blocks * nr; k += 8) {
            const size_t lanes = k >= out_c ? 0 : out_c - k < 8 ? out_c - k : 8;
            d8 w[5][5];
            for (size_t y = 0; y < r; y++)
                for (size_t x = 0; x < r; x++) {
                    f8 tap = {0};
                    for (size_t l = 0; l < lanes; l++) tap[l] = hwio[((y * r + x) * in_c + c) * out_c + k + l];
                    w[y][x] = __builtin_convertvector(tap, d8);
                }
            d8 column[6][5];  // G w: row i, kernel column x
            for (size_t i = 0; i < 6; i++)
                for (size_t x = 0; x < r; x++) {
                    d8 sum = {0};
                    for (size_t y = 0; y < r; y++)
                        if (g[i * r + y] != 0) sum += g[i * r + y] * w[y][x];
                    column[i][x] = sum;
                }
            for (size_t i = 0; i < 6; i++)
                for (size_t j = 0; j < 6; j++) {
                    d8 sum = {0};
                    for (size_t x = 0; x < r; x++)
                        if (g[j * r + x] != 0) sum += column[i][x] * g[j * r + x];
                    *(f8 *)(u + (((i * 6 + j) * blocks + k / nr) * in_c + c) * nr + k % nr) = __builtin_convertvector(sum, f8);
                }
        }
}

// V[xi] = (B^T d B)[xi] of `count` (at most TS_WINOGRAD_ROW_TILES) tiles side by side along a
// tile row: tile t's 6 x 6 patch from row y0 and column x0 + step * t of image b (zeros
// outside it, in_c at most TS_WINOGRAD_MAX_CHANNELS), eight channels at a time, at
// v + xi * stride + t * tile_stride (channels padded to a multiple of 8 with zeros). Adjacent
// patches share 6 - step columns, so the first pass (B^T down each column) is done once per
// column: step * (count - 1) + 6 columns instead of 6 count.
void ts_winograd_input_avx2(const ts_conv_params *p, size_t b, ptrdiff_t y0, ptrdiff_t x0, size_t count, size_t step,
                            float *v, size_t stride, size_t tile_stride);

// M[xi] = V[xi] U[xi] for one xi: `count` tiles (V's rows v_stride floats apart, M's
// m_stride) times the transformed filter's blocks [first_block, end_block) of NR output
// channels (u: that xi's first block), on `row`'s igemm micro-kernel — the tiles are its
// pixels, the channels its one tap's. M's columns past out_c are not written.
void ts_winograd_products(const ts_isa_row *row, const float *v, size_t v_stride, const float *u, float *m,
                          size_t m_stride, size_t count, size_t in_c, size_t out_c, size_t first_block, size_t end_block);

// Eight floats from p (lanes past `lanes` zero).
__attribute__((target("avx2,fma"), always_inline)) static inline ts_v8 ts_winograd_load8(const float *p, size_t lanes) {
    if (lanes == 8) return *(const ts_v8 *)p;
    ts_v8 v = {0};
    for (size_t l = 0; l < lanes; l++) v[l] = p[l];
    return v;
}

// Stores `lanes` channels of one output pixel's sums at `out` with the bias and activation as
// the igemm kernels apply them (ELU as their driver does), and returns sum * 0: zeros, or NaN
// in a lane whose sum was not finite, for the caller's finiteness check.
__attribute__((target("avx2,fma"), always_inline)) static inline ts_v8
ts_winograd_store_avx2(ts_v8 sum, ts_v8 bias, ts_v8 slope, int activation, float *out, size_t lanes) {
    const ts_v8 zero = {0};
    ts_v8 value = (ts_v8)ts_activate_avx2((__m256)(sum + bias), (__m256)slope, activation);
    if (activation == TS_ACTIVATION_ELU)
        for (size_t l = 0; l < 8; l++) value[l] = value[l] < 0 ? expf(value[l]) - 1.0f : value[l];
    if (lanes == 8)
        *(ts_v8 *)out = value;
    else
        for (size_t l = 0; l < lanes; l++) out[l] = value[l];
    return sum * zero;
}

// 1 when every lane of the accumulated checks is zero (no sum was NaN or infinite).
__attribute__((target("avx2,fma"), always_inline)) static inline int ts_winograd_finite(ts_v8 check) {
    int finite = 1;
    for (int l = 0; l < 8; l++) finite &= check[l] == 0;
    return finite;
}

// Row r of A^T applied to (s0 .. s5) for n x n output tiles: F(2 x 2, 5 x 5)'s rows
// (1, 1, 1, 1, 1, 0) and (0, 1, -1, 2, -2, 1); F(4 x 4, 3 x 3)'s (1, 1, 1, 1, 1, 0),
// (0, 1, -1, 2, -2, 0), (0, 1, 1, 4, 4, 0) and (0, 1, -1, 8, -8, 1).
__attribute__((target("avx2,fma"), always_inline)) static inline ts_v8
ts_winograd_at_row(size_t n, size_t r, ts_v8 s0, ts_v8 s1, ts_v8 s2, ts_v8 s3, ts_v8 s4, ts_v8 s5) {
    switch (r) {
        case 0: return s0 + s1 + s2 + s3 + s4;
        case 1: return n == 2 ? s1 - s2 + 2 * s3 - 2 * s4 + s5 : s1 - s2 + 2 * s3 - 2 * s4;
        case 2: return s1 + s2 + 4 * s3 + 4 * s4;
        default: return s1 - s2 + 8 * s3 - 8 * s4 + s5;
    }
}

// Y = A^T M A of the n x n output tile at (b, oy, ox) (its products at m + xi * stride; only
// out_c columns read), the pixels inside the output written with the epilogue
// (ts_winograd_store_avx2). Returns 1 when every sum was finite. Inlined into each variant
// with its n, so the rows are fixed at compile time.
__attribute__((target("avx2,fma"), always_inline)) static inline int
ts_winograd_output_avx2(const ts_conv_params *p, const float *bias_in, const float *slopes, const float *m,
                        size_t stride, size_t b, size_t oy, size_t ox, const size_t n) {
    const size_t k = p->out_c;
    ts_v8 check = {0};
    for (size_t ko = 0; ko < k; ko += 8) {
        const size_t lanes = k - ko < 8 ? k - ko : 8;
        ts_v8 t[4][6];  // A^T M
        for (size_t j = 0; j < 6; j++) {
            ts_v8 c[6];  // column j of M
            for (size_t i = 0; i < 6; i++) c[i] = ts_winograd_load8(m + (i * 6 + j) * stride + ko, lanes);
            for (size_t r = 0; r < n; r++) t[r][j] = ts_winograd_at_row(n, r, c[0], c[1], c[2], c[3], c[4], c[5]);
        }
        const ts_v8 bias = bias_in ? ts_winograd_load8(bias_in + ko, lanes) : (ts_v8){0};
        const ts_v8 slope = slopes ? ts_winograd_load8(slopes + ko, lanes) : (ts_v8){0};
        for (size_t i = 0; i < n && oy + i < p->out_h; i++)
            for (size_t jx = 0; jx < n && ox + jx < p->out_w; jx++) {
                const ts_v8 *row = t[i];
                const ts_v8 y = ts_winograd_at_row(n, jx, row[0], row[1], row[2], row[3], row[4], row[5]);
                float *out = p->output + ((b * p->out_h + oy + i) * p->out_w + ox + jx) * k + ko;
                check += ts_winograd_store_avx2(y, bias, slope, p->activation, out, lanes);
            }
    }
    return ts_winograd_finite(check);
}
#endif
#endif
