// Winograd F(2 x 2, 5 x 5) for stride-1 5 x 5 convolutions, fused: a block of output tiles at a
// time goes through the input transform, the 36 products and the output transform while its
// transformed values are still in cache, the products on the instruction set's igemm tile
// (winograd_transforms.h). Each 2 x 2 output tile comes from a 6 x 6 input patch with 36 multiplies per
// channel pair instead of 100:
//
//     Y = A^T [ (G g G^T) . (B^T d B) ] A
//
// with the points 0, 1, -1, 2, -2 and infinity — the same B^T as F(4 x 4, 3 x 3) (it depends on
// the points only), G's rows [p^0 .. p^4] / prod_{q != p} (p - q) and the last row (0, 0, 0, 0, 1),
// A^T's rows (1, 1, 1, 1, 1, 0) and (0, 1, -1, 2, -2, 1).
//
// Separate rounds of transformed values through memory (as WinogradF43 does) move 36 (C + K)
// floats per 4 outputs: for 32 channels more bytes than the direct convolution's arithmetic
// hides. A block of MR tiles along a tile row keeps them to 36 * MR * (C + K) floats, which the
// caller's scratch holds (ts_winograd_f25_scratch_count): 27 KiB each for 32 channels, in L1.
// (Blocks of 2, 4 and 8 MR tiles ran 3 %, 10 % and 20 % slower: 32 -> 32 channels, one core.)
#if defined(__x86_64__)
#include "isa_table.h"
#include "winograd.h"

size_t ts_winograd_f25_packed_count(int isa, size_t in_c, size_t out_c) {
    return ts_winograd_packed_count(isa, in_c, out_c);
}

size_t ts_winograd_f25_scratch_count(int isa, size_t in_c, size_t out_c) {
    const size_t mr = ts_igemm_mr(isa);
    const size_t c8 = (in_c + 7) / 8 * 8, k8 = (out_c + 7) / 8 * 8;
    return 36 * mr * (c8 + k8);
}

__attribute__((target("avx2,fma"))) void ts_winograd_f25_pack_filter(int isa, const float *hwio, size_t in_c, size_t out_c,
                                                                   size_t first_c, size_t end_c, float *u) {
    static const double g[6 * 5] = {
        1.0 / 4, 0, 0, 0, 0,
        -1.0 / 6, -1.0 / 6, -1.0 / 6, -1.0 / 6, -1.0 / 6,
        -1.0 / 6, 1.0 / 6, -1.0 / 6, 1.0 / 6, -1.0 / 6,
        1.0 / 24, 1.0 / 12, 1.0 / 6, 1.0 / 3, 2.0 / 3,
        1.0 / 24, -1.0 / 12, 1.0 / 6, -1.0 / 3, 2.0 / 3,
        0, 0, 0, 0, 1,
    };
    const size_t nr = ts_igemm_nr(isa);
    if (nr == 0 || end_c > in_c || first_c > end_c) return;
    ts_winograd_pack(nr, hwio, 5, g, in_c, out_c, first_c, end_c, u);
}

int ts_winograd_f25_run(int isa, const ts_conv_params *p, const float *u, const float *bias, const float *slopes,
                        float *scratch, size_t first_row, size_t rows) {
    const ts_winograd_transforms *transforms = ts_winograd_transforms_of(isa);
    if (!transforms || transforms->mr > TS_WINOGRAD_ROW_TILES || p->in_c > TS_WINOGRAD_MAX_CHANNELS) return 0;
    const size_t nr = transforms->nr;
    const size_t blocks = (p->out_c + nr - 1) / nr;
    const size_t c8 = (p->in_c + 7) / 8 * 8, k8 = (p->out_c + 7) / 8 * 8;
    const size_t tiles_y = (p->out_h + 1) / 2, tiles_x = (p->out_w + 1) / 2;
    const size_t block_tiles = transforms->mr;
    float *const v = scratch, *const m = scratch + 36 * block_tiles * c8;
    int finite = 1;
    for (size_t r = first_row; r < first_row + rows; r++) {
        const size_t b = r / tiles_y, ty = r % tiles_y;
        for (size_t tx0 = 0; tx0 < tiles_x; tx0 += block_tiles) {
            const size_t count = tiles_x - tx0 < block_tiles ? tiles_x - tx0 : block_tiles;
            transforms->input_2(p, b, (ptrdiff_t)(ty * 2) - p->pad_top, (ptrdiff_t)(tx0 * 2) - p->pad_left, count,
                                   v, block_tiles * c8, c8);
            const ts_winograd_gemm g = {.v = v, .v_stride = block_tiles * c8, .v_tile = c8, .u = u, .blocks = blocks,
                                        .in_c = p->in_c, .out_c = p->out_c, .m = m, .m_stride = block_tiles * k8,
                                        .m_tile = k8, .count = count, .first_xi = 0, .end_xi = 36, .first_block = 0,
                                        .end_block = blocks};
            transforms->products(&g);
            for (size_t t = 0; t < count; t++)
                finite &= transforms->output_2x2(p, bias, slopes, m + t * k8, block_tiles * k8, b, ty * 2, (tx0 + t) * 2);
        }
    }
    return finite || !p->check_finite;
}
#else
#include "CConvKernels.h"
size_t ts_winograd_f25_packed_count(int isa, size_t in_c, size_t out_c) { return 0; }
size_t ts_winograd_f25_scratch_count(int isa, size_t in_c, size_t out_c) { return 0; }
void ts_winograd_f25_pack_filter(int isa, const float *hwio, size_t in_c, size_t out_c, size_t first_c, size_t end_c,
                                 float *u) {}
int ts_winograd_f25_run(int isa, const ts_conv_params *p, const float *u, const float *bias, const float *slopes,
                        float *scratch, size_t first_row, size_t rows) {
    return 0;
}
#endif
