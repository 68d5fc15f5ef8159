#include <math.h>
#include <stdint.h>
#include <string.h>

#include "CConvKernels.h"
#include "isa_table.h"

// The planar driver: a band of output rows of one image is computed from a planar copy of the
// input rows it reads, [in_c][band rows][width], where each row holds the columns the band's
// pixels read, zero-padded left and right and up to whole blocks of 8 pixels, so the kernel
// loads 8 neighbouring pixels of a channel as one vector and never reads past the copy. Rows in
// the top or bottom padding are not copied: each output row's kernel rows are trimmed to those
// inside the image (whose multiply-adds would only add zeros), so the copy holds input rows
// only and is never larger than the rows of the image it copies.

#define PIXELS 8

// Floats of one row of the copy: the columns of ceil(out_w / 8) blocks of 8 pixels.
static int band_width(const ts_conv_params *p, size_t *width) {
    size_t blocks = p->out_w / PIXELS + (p->out_w % PIXELS != 0);
    return !__builtin_mul_overflow(blocks, PIXELS, width) && !__builtin_add_overflow(*width, p->kernel_w - 1, width);
}

size_t ts_planar_band_floats(const ts_conv_params *p, size_t rows) {
    size_t width, band_rows, floats;
    if (!band_width(p, &width) || __builtin_add_overflow(rows, p->kernel_h - 1, &band_rows) ||
        __builtin_mul_overflow(band_rows < p->in_h ? band_rows : p->in_h, p->in_c, &floats) ||
        __builtin_mul_overflow(floats, width, &floats))
        return SIZE_MAX;
    return floats;
}

int ts_planar_supports(int isa, const ts_conv_params *p) {
    const ts_isa_row *row = ts_isa_row_of(isa);
    return row && row->pkernel && p->stride_h == 1 && p->stride_w == 1 && p->dilation_h == 1 && p->dilation_w == 1 &&
           p->in_c >= 1 && p->in_c <= TS_PLANAR_MAX_IN && p->out_c >= 1 && p->out_c <= TS_PLANAR_MAX_OUT &&
           p->kernel_h >= 1 && p->kernel_w >= 1 && p->kernel_h * p->kernel_w <= TS_PLANAR_MAX_TAPS &&
           p->pad_top >= 0 && p->pad_left >= 0 && p->pool_h == 0;
}

// Copies input rows [first, first + band_rows) (inside the image) into `band`: channel planes of
// band_rows rows of `width` floats, column x holding input column x - pad_left (zero outside the
// image).
static void fill(const ts_conv_params *p, const float *image, float *band, size_t first, size_t band_rows,
                 size_t width) {
    const size_t in_c = p->in_c, plane = band_rows * width;
    const size_t left = (size_t)p->pad_left < width ? (size_t)p->pad_left : width;
    const size_t inside = p->in_w < width - left ? p->in_w : width - left;
    for (size_t r = 0; r < band_rows; r++) {
        const float *src = image + (first + r) * p->in_w * in_c;
        for (size_t c = 0; c < in_c; c++) {
            float *dst = band + c * plane + r * width;
            memset(dst, 0, left * sizeof(float));
            for (size_t x = 0; x < inside; x++) dst[left + x] = src[x * in_c + c];
            memset(dst + left + inside, 0, (width - left - inside) * sizeof(float));
        }
    }
}

int ts_planar_run(int isa, const ts_conv_params *p, float *band, size_t b, size_t first_row, size_t rows) {
    const ts_isa_row *row = ts_isa_row_of(isa);
    size_t width;
    if (!row || !row->pkernel || !band_width(p, &width)) return 0;
    const ptrdiff_t kh = (ptrdiff_t)p->kernel_h, in_h = (ptrdiff_t)p->in_h;
    // The input row kernel row 0 of output row first_row reads, and the rows inside the image
    // the band reads: [y0, y1).
    const ptrdiff_t top = (ptrdiff_t)first_row - p->pad_top;
    const ptrdiff_t y0 = top < 0 ? 0 : top;
    ptrdiff_t y1 = top + (ptrdiff_t)rows + kh - 1;
    if (y1 > in_h) y1 = in_h;
    if (y1 < y0) y1 = y0;
    const size_t plane = (size_t)(y1 - y0) * width;
    const size_t out_c = p->out_c, row_out = p->out_w * out_c, kernel_row = p->kernel_w * p->in_c * out_c;
    fill(p, p->input + b * p->in_h * p->in_w * p->in_c, band, (size_t)y0, (size_t)(y1 - y0), width);
    int finite = 1;
    for (size_t i = 0; i < rows; i++) {
        float *out = p->output + (b * p->out_h + first_row + i) * row_out;
        // This row's kernel rows [a0, a1) inside the image.
        const ptrdiff_t row_top = top + (ptrdiff_t)i;
        const ptrdiff_t a0 = y0 - row_top > 0 ? y0 - row_top : 0;
        ptrdiff_t a1 = y1 - row_top < kh ? y1 - row_top : kh;
        if (a1 < a0) a1 = a0;
        const float *planes = a1 > a0 ? band + (size_t)(row_top + a0 - y0) * width : band;
        const float *weights = p->packed_weights + (size_t)a0 * kernel_row;
        for (size_t j = 0; j < p->out_w; j += PIXELS) {
            const size_t n = p->out_w - j < PIXELS ? p->out_w - j : PIXELS;
            finite &= row->pkernel((size_t)(a1 - a0), p->kernel_w, p->in_c, out_c, planes + j, width, plane, weights,
                                   p->packed_bias, p->activation, out + j * out_c, n);
        }
        if (p->activation == TS_ACTIVATION_ELU) {
            // Exponentials have no micro-kernel: applied here, while the row is still in cache.
            for (size_t k = 0; k < row_out; k++)
                if (out[k] < 0) out[k] = expf(out[k]) - 1.0f;
        }
    }
    return finite || !p->check_finite;
}
