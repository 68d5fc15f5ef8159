// The filter packing and input transform both Winograd variants use (winograd.h).
#if defined(__x86_64__)
#include <string.h>

#include "winograd.h"

size_t ts_winograd_packed_count(int isa, size_t in_c, size_t out_c) {
    const size_t nr = ts_igemm_nr(isa);
    return nr == 0 ? 0 : 36 * ((out_c + nr - 1) / nr) * in_c * nr;
}

void ts_winograd_products(const ts_isa_row *row, const float *v, size_t v_stride, const float *u, float *m,
                          size_t m_stride, size_t count, size_t in_c, size_t out_c, size_t first_block, size_t end_block) {
    const size_t mr = row->mr, nr = row->nr;
    if (mr > TS_WINOGRAD_ROW_TILES) return;
    for (size_t t0 = 0; t0 < count; t0 += mr) {
        const size_t pixels = count - t0 < mr ? count - t0 : mr;
        const float *ind[TS_WINOGRAD_ROW_TILES];
        for (size_t q = 0; q < mr; q++) ind[q] = v + (t0 + (q < pixels ? q : 0)) * v_stride;
        for (size_t nb = first_block; nb < end_block; nb++) {
            const size_t width = out_c - nb * nr < nr ? out_c - nb * nr : nr;
            row->ukernel(1, in_c, ind, u + (nb - first_block) * in_c * nr, 0, 0, TS_ACTIVATION_NONE, 0,
                         m + t0 * m_stride + nb * nr, m_stride, pixels, width);
        }
    }
}

__attribute__((target("avx2,fma"))) void ts_winograd_input_avx2(const ts_conv_params *p, size_t b, ptrdiff_t y0,
                                                                ptrdiff_t x0, size_t count, size_t step, float *v,
                                                                size_t stride, size_t tile_stride) {
    static const float zeros[TS_WINOGRAD_MAX_CHANNELS];
    const size_t c = p->in_c, columns = step * (count - 1) + 6;
    if (count == 0 || count > TS_WINOGRAD_ROW_TILES || step > 4 || c > TS_WINOGRAD_MAX_CHANNELS) return;
    const float *rows[6];
    for (int r = 0; r < 6; r++) {
        const ptrdiff_t y = y0 + r;
        rows[r] = y >= 0 && y < (ptrdiff_t)p->in_h ? p->input + (b * p->in_h + (size_t)y) * p->in_w * c : 0;
    }
    for (size_t ch = 0; ch < c; ch += 8) {
        const size_t lanes = c - ch < 8 ? c - ch : 8;
        ts_v8 t[4 * (TS_WINOGRAD_ROW_TILES - 1) + 6][6];  // B^T d of each column
        for (size_t x = 0; x < columns; x++) {
            const ptrdiff_t column = x0 + (ptrdiff_t)x;
            const int inside = column >= 0 && column < (ptrdiff_t)p->in_w;
            ts_v8 d[6];
            for (int r = 0; r < 6; r++)
                d[r] = ts_winograd_load8(inside && rows[r] ? rows[r] + (size_t)column * c + ch : zeros, lanes);
            t[x][0] = 4 * d[0] - 5 * d[2] + d[4];
            t[x][1] = -4 * d[1] - 4 * d[2] + d[3] + d[4];
            t[x][2] = 4 * d[1] - 4 * d[2] - d[3] + d[4];
            t[x][3] = -2 * d[1] - d[2] + 2 * d[3] + d[4];
            t[x][4] = 2 * d[1] - d[2] - 2 * d[3] + d[4];
            t[x][5] = 4 * d[1] - 5 * d[3] + d[5];
        }
        for (size_t tile = 0; tile < count; tile++) {
            float *const out = v + tile * tile_stride + ch;
            const size_t x = step * tile;
            for (int i = 0; i < 6; i++) {  // (B^T d) B, row i, from the tile's six columns
                const ts_v8 t0 = t[x][i], t1 = t[x + 1][i], t2 = t[x + 2][i];
                const ts_v8 t3 = t[x + 3][i], t4 = t[x + 4][i], t5 = t[x + 5][i];
                const size_t r = (size_t)i * 6;
                *(ts_v8 *)(out + (r + 0) * stride) = 4 * t0 - 5 * t2 + t4;
                *(ts_v8 *)(out + (r + 1) * stride) = -4 * t1 - 4 * t2 + t3 + t4;
                *(ts_v8 *)(out + (r + 2) * stride) = 4 * t1 - 4 * t2 - t3 + t4;
                *(ts_v8 *)(out + (r + 3) * stride) = -2 * t1 - t2 + 2 * t3 + t4;
                *(ts_v8 *)(out + (r + 4) * stride) = 2 * t1 - t2 - 2 * t3 + t4;
                *(ts_v8 *)(out + (r + 5) * stride) = 4 * t1 - 5 * t3 + t5;
            }
        }
    }
}
#endif
