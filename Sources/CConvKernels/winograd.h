// What the Winograd variants — F(4 x 4, 3 x 3) (winograd_f43.c), F(2 x 2, 5 x 5) and
// F(3 x 3, 5 x 5) (winograd_5x5.c) — share, private to this target. The first two use the
// points 0, 1, -1, 2, -2 and infinity, so both take their 6 x 6 input patches through the same
// B^T (it depends on the points only); their filters differ in G's columns (3 or 5) and their
// outputs in A^T's rows (4 or 2). F(3 x 3, 5 x 5) adds -1/2: 7 x 7 patches, its own B^T.
#ifndef TS_WINOGRAD_H
#define TS_WINOGRAD_H
#if defined(__x86_64__)
#include <stddef.h>

#include "CConvKernels.h"
#include "isa_table.h"

// Tiles one input transform takes along a tile row (its stack buffer's size).
#define TS_WINOGRAD_ROW_TILES 8

// The most points (the side of a tile's input patch): 7, F(3 x 3, 5 x 5)'s.
#define TS_WINOGRAD_MAX_POINTS 7

// Floats of a transformed filter on a x a points: [a a][ceil(out_c / NR)][in_c][NR].
size_t ts_winograd_packed_count(int isa, size_t a, size_t in_c, size_t out_c);

// U[xi] = (G g G^T)[xi] of an [r, r, in_c, out_c] HWIO filter for the input channels
// [first_c, end_c) and every output channel (g the a x r matrix G, row-major, a at most
// TS_WINOGRAD_MAX_POINTS), computed in
// double eight output channels at a time and rounded once, stored as the igemm micro-kernel
// reads a [1, 1, in_c, out_c] filter: per xi, blocks of NR (a multiple of 8) output channels,
// each [in_c][NR], zero past out_c. Inlined into each variant so its G's zeros are skipped.
__attribute__((target("avx2,fma"), always_inline)) static inline void
ts_winograd_pack(size_t nr, const float *hwio, const size_t a, const size_t r, const double *g, size_t in_c,
                 size_t out_c, size_t first_c, size_t end_c, float *u) {
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
            d8 column[TS_WINOGRAD_MAX_POINTS][5];  // G w: row i, kernel column x
            for (size_t i = 0; i < a; i++)
                for (size_t x = 0; x < r; x++) {
                    d8 sum = {0};
                    for (size_t y = 0; y < r; y++)
                        if (g[i * r + y] != 0) sum += g[i * r + y] * w[y][x];
                    column[i][x] = sum;
                }
            for (size_t i = 0; i < a; i++)
                for (size_t j = 0; j < a; j++) {
                    d8 sum = {0};
                    for (size_t x = 0; x < r; x++)
                        if (g[j * r + x] != 0) sum += column[i][x] * g[j * r + x];
                    *(f8 *)(u + (((i * a + j) * blocks + k / nr) * in_c + c) * nr + k % nr) = __builtin_convertvector(sum, f8);
                }
        }
}

// The products M[xi] = V[xi] U[xi] (36 or 49 xi) of `count` tiles, or some of them: tile t's V[xi] at
// v + xi * v_stride + t * v_tile (in_c floats), U packed as ts_winograd_pack stores it (`blocks`
// blocks of NR output channels), tile t's M[xi] at m + xi * m_stride + t * m_tile, for
// xi in [first_xi, end_xi) and the blocks [first_block, end_block) — M's columns past out_c
// not written.
typedef struct {
    const float *v;
    size_t v_stride, v_tile;
    const float *u;
    size_t blocks, in_c, out_c;
    float *m;
    size_t m_stride, m_tile;
    size_t count, first_xi, end_xi, first_block, end_block;
} ts_winograd_gemm;

// The transforms on one instruction set's vectors (winograd_transforms.h, one variant per row
// of the ISA table): `ts_winograd_transforms_of(isa)`, NULL where the CPU does not run it.
typedef struct {
    size_t mr, nr;  // the row's igemm tile, which `products` shares
    // V[xi] = (B^T d B)[xi] of `count` (at most TS_WINOGRAD_ROW_TILES) tiles side by side along
    // a tile row: tile t's a x a patch from row y0 and column x0 + step * t of image b (zeros
    // outside it, in_c at most TS_WINOGRAD_MAX_CHANNELS), at v + xi * stride + t * tile_stride
    // (channels padded to a multiple of 8 with zeros); step 2 for F(2 x 2, 5 x 5)'s tiles (a = 6),
    // 3 for F(3 x 3, 5 x 5)'s (a = 7), 4 for F(4 x 4, 3 x 3)'s (a = 6). Adjacent patches share
    // a - step columns, so the first pass (B^T down each column) is done once per column:
    // step * (count - 1) + a columns instead of a count.
    void (*input_2)(const ts_conv_params *p, size_t b, ptrdiff_t y0, ptrdiff_t x0, size_t count, float *v,
                    size_t stride, size_t tile_stride);
    void (*input_3)(const ts_conv_params *p, size_t b, ptrdiff_t y0, ptrdiff_t x0, size_t count, float *v,
                    size_t stride, size_t tile_stride);
    void (*input_4)(const ts_conv_params *p, size_t b, ptrdiff_t y0, ptrdiff_t x0, size_t count, float *v,
                    size_t stride, size_t tile_stride);
    // Y = A^T M A of the 2 x 2 (F(2 x 2, 5 x 5)), 3 x 3 (F(3 x 3, 5 x 5)) or 4 x 4 (F(4 x 4, 3 x 3)) output tile at
    // (b, oy, ox), its products at m + xi * stride (only out_c columns read); the pixels inside
    // the output stored with `bias` ([out_c] or NULL) and p->activation (PReLU's and leaky
    // ReLU's slopes in `slopes`) as the instruction set's micro-kernels apply them. Returns 1
    // when every sum was finite.
    int (*output_2x2)(const ts_conv_params *p, const float *bias, const float *slopes, const float *m, size_t stride,
                      size_t b, size_t oy, size_t ox);
    int (*output_3x3)(const ts_conv_params *p, const float *bias, const float *slopes, const float *m, size_t stride,
                      size_t b, size_t oy, size_t ox);
    int (*output_4x4)(const ts_conv_params *p, const float *bias, const float *slopes, const float *m, size_t stride,
                      size_t b, size_t oy, size_t ox);
    // M[xi] = V[xi] U[xi] as `g` says, on the row's own tile of mr tiles by nr channels.
    void (*products)(const ts_winograd_gemm *g);
} ts_winograd_transforms;

const ts_winograd_transforms *ts_winograd_transforms_of(int isa);

#endif
#endif
