// Winograd F(2 x 2, 5 x 5) for stride-1 5 x 5 convolutions, fused: a block of output tiles at a
// time goes through the input transform, the 36 products and the output transform while its
// transformed values are still in cache, the products on the instruction set's igemm
// micro-kernel. Each 2 x 2 output tile comes from a 6 x 6 input patch with 36 multiplies per
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
#include <float.h>
#include <math.h>
#include <string.h>

#include "CConvKernels.h"
#include "activate_avx2.h"
#include "isa_table.h"

typedef float v8 __attribute__((vector_size(32), aligned(4)));

size_t ts_winograd_f25_packed_count(int isa, size_t in_c, size_t out_c) {
    const size_t nr = ts_igemm_nr(isa);
    return nr == 0 ? 0 : 36 * ((out_c + nr - 1) / nr) * in_c * nr;
}

size_t ts_winograd_f25_scratch_count(int isa, size_t in_c, size_t out_c) {
    const size_t mr = ts_igemm_mr(isa);
    const size_t c8 = (in_c + 7) / 8 * 8, k8 = (out_c + 7) / 8 * 8;
    return 36 * mr * (c8 + k8);
}

// U[xi] = (G g G^T)[xi] for every (in, out) channel pair, computed in double and stored as the
// igemm micro-kernel reads a [1, 1, in, out] filter: blocks of NR output channels, [in][NR].
void ts_winograd_f25_pack_filter(int isa, const float *hwio, size_t in_c, size_t out_c, float *u) {
    const size_t nr = ts_igemm_nr(isa);
    if (nr == 0) return;
    const size_t blocks = (out_c + nr - 1) / nr;
    static const double g[6][5] = {
        {1.0 / 4, 0, 0, 0, 0},
        {-1.0 / 6, -1.0 / 6, -1.0 / 6, -1.0 / 6, -1.0 / 6},
        {-1.0 / 6, 1.0 / 6, -1.0 / 6, 1.0 / 6, -1.0 / 6},
        {1.0 / 24, 1.0 / 12, 1.0 / 6, 1.0 / 3, 2.0 / 3},
        {1.0 / 24, -1.0 / 12, 1.0 / 6, -1.0 / 3, 2.0 / 3},
        {0, 0, 0, 0, 1},
    };
    memset(u, 0, 36 * blocks * in_c * nr * sizeof(float));
    for (size_t c = 0; c < in_c; c++) {
        for (size_t k = 0; k < out_c; k++) {
            double column[6][5];  // G g: row i, kernel column x
            for (int i = 0; i < 6; i++)
                for (int x = 0; x < 5; x++) {
                    double sum = 0;
                    for (int y = 0; y < 5; y++) sum += g[i][y] * hwio[((size_t)(y * 5 + x) * in_c + c) * out_c + k];
                    column[i][x] = sum;
                }
            for (int i = 0; i < 6; i++)
                for (int j = 0; j < 6; j++) {
                    double sum = 0;
                    for (int x = 0; x < 5; x++) sum += column[i][x] * g[j][x];
                    u[(((size_t)(i * 6 + j) * blocks + k / nr) * in_c + c) * nr + k % nr] = (float)sum;
                }
        }
    }
}

// Eight floats from p (lanes past `lanes` zero).
__attribute__((target("avx2,fma"))) static inline v8 load8(const float *p, size_t lanes) {
    if (lanes == 8) return *(const v8 *)p;
    v8 v = {0};
    for (size_t l = 0; l < lanes; l++) v[l] = p[l];
    return v;
}

// V[xi] = (B^T d B)[xi] of `count` tiles side by side along a tile row, tile t's 6 x 6 patch
// from (y0, x0 + 2 t) of image b (zeros outside it), eight channels at a time, at
// v + xi * stride + t * tile_stride (channels padded to a multiple of 8 with zeros). The
// patches overlap by four columns, so the first pass (B^T down each column) is done once per
// column of the block — 2 count + 4 columns instead of 6 count.
__attribute__((target("avx2,fma"))) static void transform_input(const ts_conv_params *p, const float *zeros, size_t b,
                                                                  ptrdiff_t y0, ptrdiff_t x0, size_t count, float *v,
                                                                  size_t stride, size_t tile_stride) {
    const size_t c = p->in_c, columns = 2 * count + 4;
    const float *rows[6];
    for (int r = 0; r < 6; r++) {
        const ptrdiff_t y = y0 + r;
        rows[r] = y >= 0 && y < (ptrdiff_t)p->in_h ? p->input + (b * p->in_h + (size_t)y) * p->in_w * c : 0;
    }
    for (size_t ch = 0; ch < c; ch += 8) {
        const size_t lanes = c - ch < 8 ? c - ch : 8;
        v8 t[2 * 8 + 4][6];  // B^T d of each column: at most 2 MR + 4 columns (MR <= 8)
        for (size_t x = 0; x < columns; x++) {
            const ptrdiff_t column = x0 + (ptrdiff_t)x;
            const int inside = column >= 0 && column < (ptrdiff_t)p->in_w;
            v8 d[6];
            for (int r = 0; r < 6; r++)
                d[r] = load8(inside && rows[r] ? rows[r] + (size_t)column * c + ch : zeros, lanes);
            t[x][0] = 4 * d[0] - 5 * d[2] + d[4];
            t[x][1] = -4 * d[1] - 4 * d[2] + d[3] + d[4];
            t[x][2] = 4 * d[1] - 4 * d[2] - d[3] + d[4];
            t[x][3] = -2 * d[1] - d[2] + 2 * d[3] + d[4];
            t[x][4] = 2 * d[1] - d[2] - 2 * d[3] + d[4];
            t[x][5] = 4 * d[1] - 5 * d[3] + d[5];
        }
        for (size_t tile = 0; tile < count; tile++) {
            float *const out = v + tile * tile_stride + ch;
            for (int i = 0; i < 6; i++) {  // (B^T d) B, row i, from the tile's six columns
                const v8 t0 = t[2 * tile][i], t1 = t[2 * tile + 1][i], t2 = t[2 * tile + 2][i];
                const v8 t3 = t[2 * tile + 3][i], t4 = t[2 * tile + 4][i], t5 = t[2 * tile + 5][i];
                const size_t r = (size_t)i * 6;
                *(v8 *)(out + (r + 0) * stride) = 4 * t0 - 5 * t2 + t4;
                *(v8 *)(out + (r + 1) * stride) = -4 * t1 - 4 * t2 + t3 + t4;
                *(v8 *)(out + (r + 2) * stride) = 4 * t1 - 4 * t2 - t3 + t4;
                *(v8 *)(out + (r + 3) * stride) = -2 * t1 - t2 + 2 * t3 + t4;
                *(v8 *)(out + (r + 4) * stride) = 2 * t1 - t2 - 2 * t3 + t4;
                *(v8 *)(out + (r + 5) * stride) = 4 * t1 - 5 * t3 + t5;
            }
        }
    }
}

// Y = A^T M A of one tile (products at m + xi * stride; columns past out_c zero), the pixels
// inside the output written with the bias and activation as the igemm kernels apply them (ELU
// as its driver does). Returns 1 when every sum was finite.
__attribute__((target("avx2,fma"))) static int transform_output(const ts_conv_params *p, const float *bias_in,
                                                                 const float *slopes, const float *m, size_t stride,
                                                                 size_t b, size_t oy, size_t ox) {
    const size_t k = p->out_c;
    v8 check = {0};
    for (size_t ko = 0; ko < k; ko += 8) {
        const size_t lanes = k - ko < 8 ? k - ko : 8;
        v8 t[12];
        for (int j = 0; j < 6; j++) {  // A^T M, column j
            const v8 m0 = *(const v8 *)(m + (size_t)j * stride + ko), m1 = *(const v8 *)(m + (size_t)(6 + j) * stride + ko);
            const v8 m2 = *(const v8 *)(m + (size_t)(12 + j) * stride + ko), m3 = *(const v8 *)(m + (size_t)(18 + j) * stride + ko);
            const v8 m4 = *(const v8 *)(m + (size_t)(24 + j) * stride + ko), m5 = *(const v8 *)(m + (size_t)(30 + j) * stride + ko);
            t[j] = m0 + m1 + m2 + m3 + m4;
            t[6 + j] = m1 - m2 + 2 * m3 - 2 * m4 + m5;
        }
        const v8 bias = bias_in ? load8(bias_in + ko, lanes) : (v8){0};
        const v8 slope = slopes ? load8(slopes + ko, lanes) : (v8){0};
        const v8 zero = {0};
        for (size_t i = 0; i < 2 && oy + i < p->out_h; i++) {
            const int r = (int)i * 6;
            const v8 t0 = t[r], t1 = t[r + 1], t2 = t[r + 2], t3 = t[r + 3], t4 = t[r + 4], t5 = t[r + 5];
            v8 y[2] = {t0 + t1 + t2 + t3 + t4, t1 - t2 + 2 * t3 - 2 * t4 + t5};
            for (size_t jx = 0; jx < 2 && ox + jx < p->out_w; jx++) {
                v8 value = y[jx];
                check += value * zero;  // NaN unless every sum is finite
                value = (v8)ts_activate_avx2((__m256)(value + bias), (__m256)slope, p->activation);
                float *out = p->output + ((b * p->out_h + oy + i) * p->out_w + ox + jx) * k + ko;
                if (p->activation == TS_ACTIVATION_ELU)
                    for (size_t l = 0; l < 8; l++) value[l] = value[l] < 0 ? expf(value[l]) - 1.0f : value[l];
                if (lanes == 8)
                    *(v8 *)out = value;
                else
                    for (size_t l = 0; l < lanes; l++) out[l] = value[l];
            }
        }
    }
    int finite = 1;
    for (int l = 0; l < 8; l++) finite &= check[l] == 0;
    return finite;
}

int ts_winograd_f25_run(int isa, const ts_conv_params *p, const float *u, const float *bias, const float *slopes,
                        float *scratch, size_t first_row, size_t rows) {
    const ts_isa_row *row = ts_isa_row_of(isa);
    if (!row || row->mr > 8 || p->in_c > TS_WINOGRAD_F25_MAX_CHANNELS) return 0;
    const size_t mr = row->mr, nr = row->nr;
    const size_t c8 = (p->in_c + 7) / 8 * 8, k8 = (p->out_c + 7) / 8 * 8;
    const size_t blocks = (p->out_c + nr - 1) / nr;
    const size_t tiles_y = (p->out_h + 1) / 2, tiles_x = (p->out_w + 1) / 2;
    const size_t block_tiles = mr;
    float *const v = scratch, *const m = scratch + 36 * block_tiles * c8;
    static const float zeros[TS_WINOGRAD_F25_MAX_CHANNELS];
    // The products' columns past out_c (never written by the micro-kernel) are zero for the
    // output transform's full vectors.
    if (k8 > p->out_c)
        for (size_t q = 0; q < 36 * block_tiles; q++) memset(m + q * k8 + p->out_c, 0, (k8 - p->out_c) * sizeof(float));
    int finite = 1;
    for (size_t r = first_row; r < first_row + rows; r++) {
        const size_t b = r / tiles_y, ty = r % tiles_y;
        for (size_t tx0 = 0; tx0 < tiles_x; tx0 += block_tiles) {
            const size_t count = tiles_x - tx0 < block_tiles ? tiles_x - tx0 : block_tiles;
            transform_input(p, zeros, b, (ptrdiff_t)(ty * 2) - p->pad_top, (ptrdiff_t)(tx0 * 2) - p->pad_left, count, v,
                            block_tiles * c8, c8);
            // M[xi] = V[xi] U[xi]: tiles are the micro-kernel's pixels, channels its one tap's.
            for (size_t xi = 0; xi < 36; xi++) {
                for (size_t t0 = 0; t0 < count; t0 += mr) {
                    const size_t pixels = count - t0 < mr ? count - t0 : mr;
                    const float *ind[8];
                    for (size_t q = 0; q < mr; q++) ind[q] = v + (xi * block_tiles + t0 + (q < pixels ? q : 0)) * c8;
                    for (size_t nb = 0; nb < blocks; nb++) {
                        const size_t width = p->out_c - nb * nr < nr ? p->out_c - nb * nr : nr;
                        row->ukernel(1, p->in_c, ind, u + (xi * blocks + nb) * p->in_c * nr, 0, 0, TS_ACTIVATION_NONE, 0,
                                     m + (xi * block_tiles + t0) * k8 + nb * nr, k8, pixels, width);
                    }
                }
            }
            for (size_t t = 0; t < count; t++)
                finite &= transform_output(p, bias, slopes, m + t * k8, block_tiles * k8, b, ty * 2, (tx0 + t) * 2);
        }
    }
    return finite || !p->check_finite;
}
#else
#include "CConvKernels.h"
size_t ts_winograd_f25_packed_count(int isa, size_t in_c, size_t out_c) { return 0; }
size_t ts_winograd_f25_scratch_count(int isa, size_t in_c, size_t out_c) { return 0; }
void ts_winograd_f25_pack_filter(int isa, const float *hwio, size_t in_c, size_t out_c, float *u) {}
int ts_winograd_f25_run(int isa, const ts_conv_params *p, const float *u, const float *bias, const float *slopes,
                        float *scratch, size_t first_row, size_t rows) {
    return 0;
}
#endif
