// What Winograd F(4 x 4, 3 x 3) (winograd_f43.c) and F(2 x 2, 5 x 5) (winograd_f25.c) share,
// private to this target. Both use the points 0, 1, -1, 2, -2 and infinity, so both take their
// 6 x 6 input patches through the same B^T (it depends on the points only); their filters
// differ in G's columns (3 or 5) and their outputs in A^T's rows (4 or 2).
#ifndef TS_WINOGRAD_H
#define TS_WINOGRAD_H
#if defined(__x86_64__)
#include <stddef.h>

#include "CConvKernels.h"
#include "isa_table.h"

// Tiles one input transform takes along a tile row (its stack buffer's size).
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

// The transforms on one instruction set's vectors (winograd_transforms.h, one variant per row
// of the ISA table): `ts_winograd_transforms_of(isa)`, NULL where the CPU does not run it.
typedef struct {
    // V[xi] = (B^T d B)[xi] of `count` (at most TS_WINOGRAD_ROW_TILES) tiles side by side along
    // a tile row: tile t's 6 x 6 patch from row y0 and column x0 + step * t of image b (zeros
    // outside it, in_c at most TS_WINOGRAD_MAX_CHANNELS), at v + xi * stride + t * tile_stride
    // (channels padded to a multiple of 8 with zeros); step 2 for F(2 x 2, 5 x 5)'s tiles, 4 for
    // F(4 x 4, 3 x 3)'s. Adjacent patches share 6 - step columns, so the first pass (B^T down
    // each column) is done once per column: step * (count - 1) + 6 columns instead of 6 count.
    void (*input_2)(const ts_conv_params *p, size_t b, ptrdiff_t y0, ptrdiff_t x0, size_t count, float *v,
                    size_t stride, size_t tile_stride);
    void (*input_4)(const ts_conv_params *p, size_t b, ptrdiff_t y0, ptrdiff_t x0, size_t count, float *v,
                    size_t stride, size_t tile_stride);
    // Y = A^T M A of the 2 x 2 (F(2 x 2, 5 x 5)) or 4 x 4 (F(4 x 4, 3 x 3)) output tile at
    // (b, oy, ox), its products at m + xi * stride (only out_c columns read); the pixels inside
    // the output stored with `bias` ([out_c] or NULL) and p->activation (PReLU's and leaky
    // ReLU's slopes in `slopes`) as the instruction set's micro-kernels apply them. Returns 1
    // when every sum was finite.
    int (*output_2x2)(const ts_conv_params *p, const float *bias, const float *slopes, const float *m, size_t stride,
                      size_t b, size_t oy, size_t ox);
    int (*output_4x4)(const ts_conv_params *p, const float *bias, const float *slopes, const float *m, size_t stride,
                      size_t b, size_t oy, size_t ox);
} ts_winograd_transforms;

const ts_winograd_transforms *ts_winograd_transforms_of(int isa);

// M[xi] = V[xi] U[xi] for one xi: `count` tiles (V's rows v_stride floats apart, M's
// m_stride) times the transformed filter's blocks [first_block, end_block) of NR output
// channels (u: that xi's first block), on `row`'s igemm micro-kernel — the tiles are its
// pixels, the channels its one tap's. M's columns past out_c are not written.
void ts_winograd_products(const ts_isa_row *row, const float *v, size_t v_stride, const float *u, float *m,
                          size_t m_stride, size_t count, size_t in_c, size_t out_c, size_t first_block, size_t end_block);

#endif
#endif
