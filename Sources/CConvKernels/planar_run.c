#include <math.h>
#include <stdint.h>
#include <string.h>

#include "CConvKernels.h"
#include "isa_table.h"

// The planar driver: a band of output rows of one image is computed from a planar, zero-padded
// copy of the input rows it reads, [in_c][band rows][width], where each row holds the padded
// columns the band's pixels read and zeros after them up to whole blocks of 8 pixels, so the
// kernel loads 8 neighbouring pixels of a channel as one vector and never reads past the copy.

#define PIXELS 8

// Floats of one row of the copy: the columns of ceil(out_w / 8) blocks of 8 pixels.
static int band_width(const ts_conv_params *p, size_t *width) {
    size_t blocks = p->out_w / PIXELS + (p->out_w % PIXELS != 0);
    return !__builtin_mul_overflow(blocks, PIXELS, width) && !__builtin_add_overflow(*width, p->kernel_w - 1, width);
}

size_t ts_planar_band_floats(const ts_conv_params *p, size_t rows) {
    size_t width, band_rows, floats;
    if (!band_width(p, &width) || __builtin_add_overflow(rows, p->kernel_h - 1, &band_rows) ||
        __builtin_mul_overflow(band_rows, p->in_c, &floats) || __builtin_mul_overflow(floats, width, &floats))
        return SIZE_MAX;
    return floats;
}

int ts_planar_supports(int isa, const ts_conv_params *p) {
    const ts_isa_row *row = ts_isa_row_of(isa);
    return row && row->pkernel && p->stride_h == 1 && p->stride_w == 1 && p->dilation_h == 1 && p->dilation_w == 1 &&
           p->in_c >= 1 && p->in_c <= TS_PLANAR_MAX_IN && p->out_c >= 1 && p->out_c <= TS_PLANAR_MAX_OUT &&
           p->kernel_h >= 1 && p->kernel_w >= 1 && p->pad_top >= 0 && p->pad_left >= 0 && p->pool_h == 0;
}

// Copies the input rows of the band into `band`: channel planes of band_rows rows of `width`
// floats, column x holding input column x - pad_left (zero outside the image).
static void fill(const ts_conv_params *p, const float *image, float *band, size_t first_row, size_t band_rows,
                 size_t width) {
    const size_t in_c = p->in_c, plane = band_rows * width;
    const size_t left = (size_t)p->pad_left < width ? (size_t)p->pad_left : width;
    const size_t inside = p->in_w < width - left ? p->in_w : width - left;
    for (size_t r = 0; r < band_rows; r++) {
        const ptrdiff_t y = (ptrdiff_t)(first_row + r) - p->pad_top;
        if (y < 0 || y >= (ptrdiff_t)p->in_h) {
            for (size_t c = 0; c < in_c; c++) memset(band + c * plane + r * width, 0, width * sizeof(float));
            continue;
        }
        const float *src = image + (size_t)y * p->in_w * in_c;
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
    const size_t band_rows = rows + p->kernel_h - 1, plane = band_rows * width;
    const size_t out_c = p->out_c, row_out = p->out_w * out_c;
    fill(p, p->input + b * p->in_h * p->in_w * p->in_c, band, first_row, band_rows, width);
    int finite = 1;
    for (size_t i = 0; i < rows; i++) {
        float *out = p->output + (b * p->out_h + first_row + i) * row_out;
        for (size_t j = 0; j < p->out_w; j += PIXELS) {
            const size_t n = p->out_w - j < PIXELS ? p->out_w - j : PIXELS;
            finite &= row->pkernel(p->kernel_h, p->kernel_w, p->in_c, out_c, band + i * width + j, width, plane,
                                   p->packed_weights, p->packed_bias, p->activation, out + j * out_c, n);
        }
        if (p->activation == TS_ACTIVATION_ELU) {
            // Exponentials have no micro-kernel: applied here, while the row is still in cache.
            for (size_t k = 0; k < row_out; k++)
                if (out[k] < 0) out[k] = expf(out[k]) - 1.0f;
        }
    }
    return finite || !p->check_finite;
}
