// Winograd for stride-1 5 x 5 convolutions, fused: a block of output tiles at a time goes
// through the input transform, the products and the output transform while its transformed
// values are still in cache, the products on the instruction set's igemm tile
// (winograd_transforms.h). Two tile sizes, each Y = A^T [ (G g G^T) . (B^T d B) ] A:
//
// - F(2 x 2, 5 x 5): each 2 x 2 output tile from a 6 x 6 input patch, 36 multiplies per
//   channel pair instead of 100, with the points 0, 1, -1, 2, -2 and infinity — the same B^T
//   as F(4 x 4, 3 x 3) (it depends on the points only), G's rows
//   [p^0 .. p^4] / prod_{q != p} (p - q) and the last row (0, 0, 0, 0, 1), A^T's rows
//   (1, 1, 1, 1, 1, 0) and (0, 1, -1, 2, -2, 1).
// - F(3 x 3, 5 x 5): each 3 x 3 output tile from a 7 x 7 patch, 49 multiplies per channel pair
//   per 9 outputs (1.65 times fewer than F(2 x 2, 5 x 5)'s 36 per 4), with -1/2 as the sixth
//   finite point: of the candidates scripts/winograd_tile_error.py simulated, the one whose
//   float32 error stays nearest F(2 x 2, 5 x 5)'s. B^T solved exactly from the points (that
//   script prints it), A^T's rows (1, 1, 1, 1, 1, 1, 0), (0, 1, -1, 2, -2, -1/2, 0) and
//   (0, 1, 1, 4, 4, 1/4, 1).
//
// Separate rounds of transformed values through memory (as WinogradF43 does) move a^2 (C + K)
// floats per tile: for 32 channels more bytes than the direct convolution's arithmetic hides.
// A block of MR tiles along a tile row keeps them to a^2 MR (C + K) floats, which the caller's
// scratch holds (ts_winograd_5x5_scratch_count): 27 KiB for F(2 x 2, 5 x 5) with 32 channels,
// in L1. (Blocks of 2, 4 and 8 MR tiles ran 3 %, 10 % and 20 % slower: 32 -> 32 channels, one
// core.)
#if defined(__x86_64__)
#include "isa_table.h"
#include "winograd.h"

// The points of a tile size: 6 for 2 x 2 tiles, 7 for 3 x 3; 0 for any other.
static size_t points(size_t tile) { return tile == 2 ? 6 : tile == 3 ? 7 : 0; }

size_t ts_winograd_5x5_packed_count(int isa, size_t tile, size_t in_c, size_t out_c) {
    return points(tile) ? ts_winograd_packed_count(isa, points(tile), in_c, out_c) : 0;
}

size_t ts_winograd_5x5_scratch_count(int isa, size_t tile, size_t in_c, size_t out_c) {
    const size_t mr = ts_igemm_mr(isa), a = points(tile);
    const size_t c8 = (in_c + 7) / 8 * 8, k8 = (out_c + 7) / 8 * 8;
    return a * a * mr * (c8 + k8);
}

__attribute__((target("avx2,fma"))) void ts_winograd_5x5_pack_filter(int isa, size_t tile, const float *hwio,
                                                                    size_t in_c, size_t out_c, size_t first_c,
                                                                    size_t end_c, float *u) {
    static const double g2[6 * 5] = {
        1.0 / 4, 0, 0, 0, 0,
        -1.0 / 6, -1.0 / 6, -1.0 / 6, -1.0 / 6, -1.0 / 6,
        -1.0 / 6, 1.0 / 6, -1.0 / 6, 1.0 / 6, -1.0 / 6,
        1.0 / 24, 1.0 / 12, 1.0 / 6, 1.0 / 3, 2.0 / 3,
        1.0 / 24, -1.0 / 12, 1.0 / 6, -1.0 / 3, 2.0 / 3,
        0, 0, 0, 0, 1,
    };
    static const double g3[7 * 5] = {
        1.0 / 2, 0, 0, 0, 0,
        -1.0 / 9, -1.0 / 9, -1.0 / 9, -1.0 / 9, -1.0 / 9,
        1.0 / 3, -1.0 / 3, 1.0 / 3, -1.0 / 3, 1.0 / 3,
        1.0 / 60, 1.0 / 30, 1.0 / 15, 2.0 / 15, 4.0 / 15,
        -1.0 / 36, 1.0 / 18, -1.0 / 9, 2.0 / 9, -4.0 / 9,
        -32.0 / 45, 16.0 / 45, -8.0 / 45, 4.0 / 45, -2.0 / 45,
        0, 0, 0, 0, 1,
    };
    const size_t nr = ts_igemm_nr(isa);
    if (nr == 0 || !points(tile) || end_c > in_c || first_c > end_c) return;
    if (tile == 2)
        ts_winograd_pack(nr, hwio, 6, 5, g2, in_c, out_c, first_c, end_c, u);
    else
        ts_winograd_pack(nr, hwio, 7, 5, g3, in_c, out_c, first_c, end_c, u);
}

int ts_winograd_5x5_run(int isa, size_t tile, const ts_conv_params *p, const float *u, const float *bias,
                        const float *slopes, float *scratch, size_t first_row, size_t rows) {
    const ts_winograd_transforms *transforms = ts_winograd_transforms_of(isa);
    const size_t a = points(tile);
    if (!transforms || !a || transforms->mr > TS_WINOGRAD_ROW_TILES || p->in_c > TS_WINOGRAD_MAX_CHANNELS) return 0;
    void (*const input)(const ts_conv_params *, size_t, ptrdiff_t, ptrdiff_t, size_t, float *, size_t, size_t) =
        tile == 2 ? transforms->input_2 : transforms->input_3;
    int (*const output)(const ts_conv_params *, const float *, const float *, const float *, size_t, size_t, size_t,
                        size_t) = tile == 2 ? transforms->output_2x2 : transforms->output_3x3;
    const size_t nr = transforms->nr;
    const size_t blocks = (p->out_c + nr - 1) / nr;
    const size_t c8 = (p->in_c + 7) / 8 * 8, k8 = (p->out_c + 7) / 8 * 8;
    const size_t tiles_y = (p->out_h + tile - 1) / tile, tiles_x = (p->out_w + tile - 1) / tile;
    const size_t block_tiles = transforms->mr;
    float *const v = scratch, *const m = scratch + a * a * block_tiles * c8;
    int finite = 1;
    for (size_t r = first_row; r < first_row + rows; r++) {
        const size_t b = r / tiles_y, ty = r % tiles_y;
        for (size_t tx0 = 0; tx0 < tiles_x; tx0 += block_tiles) {
            const size_t count = tiles_x - tx0 < block_tiles ? tiles_x - tx0 : block_tiles;
            input(p, b, (ptrdiff_t)(ty * tile) - p->pad_top, (ptrdiff_t)(tx0 * tile) - p->pad_left, count, v,
                  block_tiles * c8, c8);
            const ts_winograd_gemm g = {.v = v, .v_stride = block_tiles * c8, .v_tile = c8, .u = u, .blocks = blocks,
                                        .in_c = p->in_c, .out_c = p->out_c, .m = m, .m_stride = block_tiles * k8,
                                        .m_tile = k8, .count = count, .first_xi = 0, .end_xi = a * a, .first_block = 0,
                                        .end_block = blocks};
            transforms->products(&g);
            for (size_t t = 0; t < count; t++)
                finite &= output(p, bias, slopes, m + t * k8, block_tiles * k8, b, ty * tile, (tx0 + t) * tile);
        }
    }
    return finite || !p->check_finite;
}
#else
#include "CConvKernels.h"
size_t ts_winograd_5x5_packed_count(int isa, size_t tile, size_t in_c, size_t out_c) { return 0; }
size_t ts_winograd_5x5_scratch_count(int isa, size_t tile, size_t in_c, size_t out_c) { return 0; }
void ts_winograd_5x5_pack_filter(int isa, size_t tile, const float *hwio, size_t in_c, size_t out_c, size_t first_c,
                                 size_t end_c, float *u) {}
int ts_winograd_5x5_run(int isa, size_t tile, const ts_conv_params *p, const float *u, const float *bias,
                        const float *slopes, float *scratch, size_t first_row, size_t rows) {
    return 0;
}
#endif
