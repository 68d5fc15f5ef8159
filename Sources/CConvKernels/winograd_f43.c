// Winograd F(4 x 4, 3 x 3) for stride-1 3 x 3 convolutions, in rounds: each 4 x 4 output tile
// from a 6 x 6 input patch with 36 multiplies per channel pair instead of 144,
//
//     Y = A^T [ (G g G^T) . (B^T d B) ] A
//
// with the points 0, 1, -1, 2, -2 and infinity: G's rows (1/4, 0, 0), -1/6 (1, 1, 1),
// -1/6 (1, -1, 1), (1/24, 1/12, 1/6), (1/24, -1/12, 1/6), (0, 0, 1); A^T's rows
// (1, 1, 1, 1, 1, 0), (0, 1, -1, 2, -2, 0), (0, 1, 1, 4, 4, 0), (0, 1, -1, 8, -8, 1).
//
// A round of tiles goes through three passes the caller spreads over its workers: every
// tile's input transform (V, [36][tiles][C]), the 36 products M[xi] = V[xi] U[xi] in items
// of one xi and one block of NR output channels (the block of U, C x NR floats, stays in L1
// while the round's V[xi] streams past it), every tile's output transform with the epilogue.
// Workers take consecutive items, often two blocks of one xi at once, writing neighbouring
// columns of the same rows of M: its rows are whole cache lines (out_c rounded up to 16
// floats, M 64-byte aligned by the caller), so a block's columns (NR = 16 or 32 floats) have
// lines of their own. With rows of out_c rounded to 8, 16 bytes past a line, the two workers
// fought over a line per row (PNet's 16 -> 32 layer ran 1.5-4x as long). Numbering the items
// block by block avoids that too, but reads V[xi] once per block from L3 instead of L2
// (deep-3x3, 16 blocks: 1.4x as long).
// Unlike F(2 x 2, 5 x 5), whose layers are narrower, the deep layers it is chosen for have
// transformed filters of megabytes (36 C K floats): fused blocks of a few tiles would stream
// all of U per block, so U is reused across the whole round instead.
#include "CConvKernels.h"

// Floats of one row of V (a tile's transformed inputs at one xi) and of M (its products).
static size_t v_row(size_t in_c) { return (in_c + 7) / 8 * 8; }
static size_t m_row(size_t out_c) { return (out_c + 15) / 16 * 16; }

void ts_winograd_f43_tile_floats(size_t in_c, size_t out_c, size_t *v, size_t *m) {
    *v = 36 * v_row(in_c);
    *m = 36 * m_row(out_c);
}

#if defined(__x86_64__)
#include "isa_table.h"
#include "winograd.h"

size_t ts_winograd_f43_packed_count(int isa, size_t in_c, size_t out_c) {
    return ts_winograd_packed_count(isa, 6, in_c, out_c);
}

__attribute__((target("avx2,fma"))) void ts_winograd_f43_pack_filter(int isa, const float *hwio, size_t in_c, size_t out_c,
                                                                   size_t first_c, size_t end_c, float *u) {
    static const double g[6 * 3] = {
        1.0 / 4, 0, 0,
        -1.0 / 6, -1.0 / 6, -1.0 / 6,
        -1.0 / 6, 1.0 / 6, -1.0 / 6,
        1.0 / 24, 1.0 / 12, 1.0 / 6,
        1.0 / 24, -1.0 / 12, 1.0 / 6,
        0, 0, 1,
    };
    const size_t nr = ts_igemm_nr(isa);
    if (nr == 0 || end_c > in_c || first_c > end_c) return;
    ts_winograd_pack(nr, hwio, 6, 3, g, in_c, out_c, first_c, end_c, u);
}

size_t ts_winograd_f43_product_items(int isa, size_t out_c) {
    const size_t nr = ts_igemm_nr(isa);
    return nr == 0 ? 0 : 36 * ((out_c + nr - 1) / nr);
}

void ts_winograd_f43_input(int isa, const ts_conv_params *p, float *v, size_t round_first, size_t round_count,
                           size_t first, size_t count) {
    const ts_winograd_transforms *transforms = ts_winograd_transforms_of(isa);
    if (!transforms) return;
    const size_t c8 = v_row(p->in_c);
    const size_t tiles_y = (p->out_h + 3) / 4, tiles_x = (p->out_w + 3) / 4;
    for (size_t t = first; t < first + count;) {
        const size_t b = t / (tiles_y * tiles_x), ty = t / tiles_x % tiles_y, tx = t % tiles_x;
        size_t run = first + count - t;  // tiles along this tile row, at most TS_WINOGRAD_ROW_TILES
        if (run > tiles_x - tx) run = tiles_x - tx;
        if (run > TS_WINOGRAD_ROW_TILES) run = TS_WINOGRAD_ROW_TILES;
        transforms->input_4(p, b, (ptrdiff_t)(ty * 4) - p->pad_top, (ptrdiff_t)(tx * 4) - p->pad_left, run,
                               v + (t - round_first) * c8, round_count * c8, c8);
        t += run;
    }
}

void ts_winograd_f43_products(int isa, const ts_conv_params *p, const float *u, const float *v, float *m,
                              size_t round_count, size_t item) {
    const ts_winograd_transforms *transforms = ts_winograd_transforms_of(isa);
    if (!transforms) return;
    const size_t blocks = (p->out_c + transforms->nr - 1) / transforms->nr;
    const size_t xi = item / blocks, block = item % blocks;
    const size_t c8 = v_row(p->in_c), k16 = m_row(p->out_c);
    const ts_winograd_gemm g = {.v = v, .v_stride = round_count * c8, .v_tile = c8, .u = u, .blocks = blocks,
                                .in_c = p->in_c, .out_c = p->out_c, .m = m, .m_stride = round_count * k16,
                                .m_tile = k16, .count = round_count, .first_xi = xi, .end_xi = xi + 1,
                                .first_block = block, .end_block = block + 1};
    transforms->products(&g);
}

int ts_winograd_f43_output(int isa, const ts_conv_params *p, const float *bias, const float *slopes, const float *m,
                           size_t round_first, size_t round_count, size_t first, size_t count) {
    const ts_winograd_transforms *transforms = ts_winograd_transforms_of(isa);
    if (!transforms) return 0;
    const size_t k16 = m_row(p->out_c);
    const size_t tiles_y = (p->out_h + 3) / 4, tiles_x = (p->out_w + 3) / 4;
    int finite = 1;
    for (size_t t = first; t < first + count; t++) {
        const size_t b = t / (tiles_y * tiles_x), ty = t / tiles_x % tiles_y, tx = t % tiles_x;
        finite &= transforms->output_4x4(p, bias, slopes, m + (t - round_first) * k16, round_count * k16, b, ty * 4, tx * 4);
    }
    return finite || !p->check_finite;
}
#else
#include "CConvKernels.h"
size_t ts_winograd_f43_packed_count(int isa, size_t in_c, size_t out_c) { return 0; }
void ts_winograd_f43_pack_filter(int isa, const float *hwio, size_t in_c, size_t out_c, size_t first_c, size_t end_c,
                                 float *u) {}
size_t ts_winograd_f43_product_items(int isa, size_t out_c) { return 0; }
void ts_winograd_f43_input(int isa, const ts_conv_params *p, float *v, size_t round_first, size_t round_count,
                           size_t first, size_t count) {}
void ts_winograd_f43_products(int isa, const ts_conv_params *p, const float *u, const float *v, float *m,
                              size_t round_count, size_t item) {}
int ts_winograd_f43_output(int isa, const ts_conv_params *p, const float *bias, const float *slopes, const float *m,
                           size_t round_first, size_t round_count, size_t first, size_t count) {
    return 0;
}
#endif
