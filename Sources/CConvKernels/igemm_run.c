#include <stdint.h>
#include <string.h>

#include "CConvKernels.h"
#include <float.h>
#include <math.h>

#include "isa_table.h"

// Walks output pixels MR at a time: builds the tile's indirection — input pointers, or the
// zero row where a read falls in the padding; pixels past the end also read zeros and are not
// stored — then calls the micro-kernel once per block of NR output channels, so the tile's
// input rows stay in L1 across the blocks. (Sweeping the range once per block instead, to keep
// a large filter's block in L2, is slower with the scheduler's ranges of 96-128 pixels:
// docs/ENGINE.md.)
//
// Two forms of indirection, with the same packed weights (HWIO order is [a][c][ci]):
// - row form (taps adjacent, dilation_w = 1): the kw taps of kernel row a are one run of
//   kw * in_c floats, so there is one pointer per (pixel, kernel row) and the kernel runs kh
//   "taps" of kw * in_c channels; for an RGB first layer it turns 25 taps of 3 channels into 5
//   of 15, which runs twice as fast. A kernel row that reaches into the left or right padding
//   is read from a zero-padded copy of its span in a stack buffer.
// - tap form otherwise (dilated, or copies too large for the buffer): one pointer per (pixel,
//   kernel tap), kh * kw taps of in_c channels.
//
// Most tiles are a whole run of MR pixels of one output row: they take the direct kernel, which
// gets one pointer per kernel row (the run's first pixel) and steps stride_w * in_c floats per
// pixel, so a tile costs kh pointers instead of kh * MR — for an RGB first layer, building the
// MR pointers per kernel row took 6-9 % of the time. A short run (at the end of the range)
// takes the indirect kernel with pointers from the same starts; the general path (tiles that
// wrap to the next output row or image) goes pixel by pixel. No pointer is derived from the one
// just stored: that chain of loads costs more than the micro-kernel's work for an RGB layer.

// Floats of the stack buffer a tile's output is computed into when it is streamed from there
// (16 KiB: 8 pixels x 512 channels).
#define TILE_FLOATS 4096

// Floats of the stack buffer for zero-padded copies (32 KiB: an edge tile of a 5 x 5 kernel over
// 32 channels takes 1,920 on the fast path, 6,400 on the general one).
#define STRIP_FLOATS 8192

// The largest output map (out_h * out_w pixels) batch-major tiles are used for: beyond it
// most tiles of the pixel-major order are whole runs inside the image anyway.
#define BATCH_MAJOR_PIXELS 256

// Copies input columns [left, right) of one row of in_c-channel pixels to dst, with zeros for
// the columns outside [0, in_w); returns dst.
static const float *padded_span(float *dst, const float *row, ptrdiff_t left, ptrdiff_t right, size_t in_w,
                                size_t in_c) {
    // [left, first) zeros, [first, last) the row's own columns, [last, right) zeros.
    ptrdiff_t first = left < 0 ? 0 : left;
    if (first > right) first = right;
    ptrdiff_t last = right < (ptrdiff_t)in_w ? right : (ptrdiff_t)in_w;
    if (last < first) last = first;
    memset(dst, 0, (size_t)(first - left) * in_c * sizeof(float));
    if (last > first)
        memcpy(dst + (size_t)(first - left) * in_c, row + (size_t)first * in_c,
               (size_t)(last - first) * in_c * sizeof(float));
    memset(dst + (size_t)(last - left) * in_c, 0, (size_t)(right - last) * in_c * sizeof(float));
    return dst;
}

// Moves (b, i, j) forward by one output pixel.
static inline void advance(const ts_conv_params *p, size_t *b, size_t *i, size_t *j) {
    if (++*j == p->out_w) {
        *j = 0;
        if (++*i == p->out_h) {
            *i = 0;
            ++*b;
        }
    }
}

// Whether mr pixels from output column j all see their whole kernel rows inside the image
// horizontally (counting on across a row end, as the tile does).
static int kernel_rows_inside(const ts_conv_params *p, size_t mr, size_t j) {
    for (size_t m = 0; m < mr; m++) {
        const ptrdiff_t left = (ptrdiff_t)(j * p->stride_w) - p->pad_left;
        if (left < 0 || left + (ptrdiff_t)p->kernel_w > (ptrdiff_t)p->in_w) return 0;
        if (++j == p->out_w) j = 0;
    }
    return 1;
}

// The fast path: the tile's mr pixels are one run of output row i of image b. Fills rows[a]
// with where kernel row a of the run's first pixel starts (the next pixels follow stride_w *
// in_c floats apart; the zero row is long enough for a whole run) and, when `entries`, ind with
// the per-pixel pointers the indirect kernel takes.
static void run_indirection(const ts_conv_params *p, const float **rows, const float **ind, int entries,
                            float *strip, size_t mr, size_t mr_max, size_t b, size_t i, size_t j) {
    const size_t row_floats = p->in_w * p->in_c;
    const float *image = p->input + b * p->in_h * row_floats;
    const ptrdiff_t top = (ptrdiff_t)(i * p->stride_h) - p->pad_top;
    const ptrdiff_t left = (ptrdiff_t)(j * p->stride_w) - p->pad_left;
    const ptrdiff_t right = left + (ptrdiff_t)((mr - 1) * p->stride_w + p->kernel_w);
    const int inside = left >= 0 && right <= (ptrdiff_t)p->in_w;
    const size_t span_floats = (size_t)(right - left) * p->in_c;
    const size_t step = p->stride_w * p->in_c;
    for (size_t a = 0; a < p->kernel_h; a++) {
        const ptrdiff_t y = top + (ptrdiff_t)(a * p->dilation_h);
        const float *start;
        if (y < 0 || y >= (ptrdiff_t)p->in_h) {
            start = p->zero;
        } else {
            const float *row = image + (size_t)y * row_floats;
            start = inside ? row + (size_t)left * p->in_c
                           : padded_span(strip + a * span_floats, row, left, right, p->in_w, p->in_c);
        }
        rows[a] = start;
        if (!entries) continue;
        const float **entry = ind + a * mr_max;
        const size_t pixel_step = start == p->zero ? 0 : step;
        for (size_t m = 0; m < mr_max; m++) entry[m] = m < mr ? start + m * pixel_step : p->zero;
    }
}

// The general path, pixel by pixel from (b, i, j); row form when `rows`, else tap form.
static void pixel_indirection(const ts_conv_params *p, const float **ind, float *strip, int rows, size_t mr,
                              size_t mr_max, size_t b, size_t i, size_t j) {
    const size_t taps = p->kernel_h * p->kernel_w;
    const size_t row_floats = p->in_w * p->in_c;
    const size_t kernel_row_floats = p->kernel_w * p->in_c;
    const size_t entries = rows ? p->kernel_h : taps;
    for (size_t m = 0; m < mr_max; m++) {
        if (m >= mr) {
            for (size_t t = 0; t < entries; t++) ind[t * mr_max + m] = p->zero;
            continue;
        }
        const float *image = p->input + b * p->in_h * row_floats;
        const ptrdiff_t top = (ptrdiff_t)(i * p->stride_h) - p->pad_top;
        const ptrdiff_t left = (ptrdiff_t)(j * p->stride_w) - p->pad_left;
        const ptrdiff_t right = left + (ptrdiff_t)p->kernel_w;
        size_t t = 0;
        for (size_t a = 0; a < p->kernel_h; a++) {
            const ptrdiff_t y = top + (ptrdiff_t)(a * p->dilation_h);
            const int row_inside = y >= 0 && y < (ptrdiff_t)p->in_h;
            const float *row = row_inside ? image + (size_t)y * row_floats : p->zero;
            if (rows) {
                const float **entry = ind + t++ * mr_max + m;
                if (!row_inside)
                    *entry = p->zero;
                else if (left >= 0 && right <= (ptrdiff_t)p->in_w)
                    *entry = row + (size_t)left * p->in_c;
                else
                    *entry = padded_span(strip + (a * mr_max + m) * kernel_row_floats, row, left, right, p->in_w,
                                         p->in_c);
                continue;
            }
            for (size_t c = 0; c < p->kernel_w; c++, t++) {
                const ptrdiff_t x = left + (ptrdiff_t)(c * p->dilation_w);
                ind[t * mr_max + m] = row_inside && x >= 0 && x < (ptrdiff_t)p->in_w
                    ? row + (size_t)x * p->in_c
                    : p->zero;
            }
        }
        advance(p, &b, &i, &j);
    }
}

// Whether all n pointers are the zero row.
static int all_zero(const float *const *pointers, size_t n, const float *zero) {
    for (size_t m = 0; m < n; m++)
        if (pointers[m] != zero) return 0;
    return 1;
}

// Trims the leading and trailing taps no pixel of the tile reads inside the image (every
// pointer the zero row) from `entries` taps of `per_tap` pointers each: sets *first to the first
// tap kept and returns how many are kept. Their multiply-adds would only add zeros: on a 7 x 7
// map with a 3 x 3 kernel, the top and bottom rows' padding is 10 % of the work. Kernel rows in
// the top or bottom padding are the only all-zero taps in practice, and they are always at the
// ends, so the kernels need no list of taps.
static size_t trim_taps(const float *const *pointers, size_t entries, size_t per_tap, const float *zero,
                        size_t *first) {
    size_t begin = 0, end = entries;
    while (begin < end && all_zero(pointers + begin * per_tap, per_tap, zero)) begin++;
    while (end > begin && all_zero(pointers + (end - 1) * per_tap, per_tap, zero)) end--;
    *first = begin;
    return end - begin;
}

// Small maps: when the whole images a call's range touches fit in the strip, each is copied
// there once, zero-padded, so every kernel row of every pixel is one contiguous span of the copy:
// a tile's indirection is then arithmetic, with no per-tile copies of edge spans and no zero-row
// tests. On the digits CNN's 8 x 8 and 4 x 4 maps nearly every tile wraps to the next output
// row or touches the padding, and building those tiles' indirection cost more than their
// multiply-adds. Needs adjacent taps (dilation_w = 1, the row form). Returns the floats one
// padded image takes, or 0 when the images of [first, first + count) do not fit.
static size_t padded_image_floats(const ts_conv_params *p, size_t first, size_t count, size_t *padded_h,
                                  size_t *padded_w) {
    if (p->dilation_w != 1 || count == 0) return 0;
    const size_t per_image = p->out_h * p->out_w;
    const size_t images = (first + count - 1) / per_image - first / per_image + 1;
    const size_t h = (p->out_h - 1) * p->stride_h + (p->kernel_h - 1) * p->dilation_h + 1;
    const size_t w = (p->out_w - 1) * p->stride_w + p->kernel_w;
    if (h > STRIP_FLOATS || w > STRIP_FLOATS || p->in_c > STRIP_FLOATS) return 0;
    const size_t image = h * w * p->in_c;
    if (image > STRIP_FLOATS / images) return 0;
    *padded_h = h;
    *padded_w = w;
    return image;
}

// Copies `images` images from `first_image` into dst, each padded_h rows of padded_w pixels:
// padded row y holds input row y - pad_top (zeros outside the image), padded column x input
// column x - pad_left.
static void pad_images(const ts_conv_params *p, float *dst, size_t first_image, size_t images, size_t padded_h,
                       size_t padded_w) {
    const size_t row_floats = p->in_w * p->in_c;
    const size_t padded_row = padded_w * p->in_c;
    for (size_t k = 0; k < images; k++) {
        const float *image = p->input + (first_image + k) * p->in_h * row_floats;
        for (size_t y = 0; y < padded_h; y++, dst += padded_row) {
            const ptrdiff_t source = (ptrdiff_t)y - p->pad_top;
            if (source < 0 || source >= (ptrdiff_t)p->in_h)
                memset(dst, 0, padded_row * sizeof(float));
            else
                padded_span(dst, image + (size_t)source * row_floats, -p->pad_left,
                            (ptrdiff_t)padded_w - p->pad_left, p->in_w, p->in_c);
        }
    }
}

// Whether the tiles of padded-image and batch-major modes can read the input itself, in its
// own layout: no kernel row reaches into padding (VALID, 1 x 1), so there is nothing to copy.
static int reads_in_place(const ts_conv_params *p, size_t padded_h, size_t padded_w) {
    return p->pad_top == 0 && p->pad_left == 0 && padded_h <= p->in_h && padded_w <= p->in_w;
}

// The kernel rows output row i reads inside the image (the others fall in the top or bottom
// padding, so they are consecutive): sets *first to the first and returns how many.
static size_t rows_inside(const ts_conv_params *p, size_t i, size_t *first) {
    size_t low = p->kernel_h, high = 0;
    for (size_t a = 0; a < p->kernel_h; a++) {
        const ptrdiff_t y = (ptrdiff_t)(i * p->stride_h + a * p->dilation_h) - p->pad_top;
        if (y < 0 || y >= (ptrdiff_t)p->in_h) continue;
        if (a < low) low = a;
        high = a + 1;
    }
    *first = low < high ? low : 0;
    return low < high ? high - low : 0;
}

size_t ts_igemm_batch_group(int isa, const ts_conv_params *p) {
    const size_t mr = ts_igemm_mr(isa);
    size_t h, w;
    if (mr == 0 || p->batch < mr || p->out_h * p->out_w > BATCH_MAJOR_PIXELS) return 0;
    return padded_image_floats(p, 0, mr * p->out_h * p->out_w, &h, &w) ? mr : 0;
}

int ts_igemm_pools(int isa, const ts_conv_params *p) {
    return p->pool_h > 0 && p->pool_w > 0 && ts_igemm_batch_group(isa, p) &&
           p->out_c <= TILE_FLOATS / ts_igemm_mr(isa);
}

// What every tile of one call shares.
typedef struct {
    const ts_conv_params *p;
    const ts_isa_row *row;
    size_t mr_max, nr_max, taps, blocks, block_floats;
    int adjacent, run_fits, pixels_fit, run_zeros_fit, kernel_streams;
    const float **ind, **rows;
    float *strip;
    // The small-map modes' images, each `padded_h` rows of `padded_w` pixels: zero-padded
    // copies in `strip` (pad_images), or the input itself when nothing reaches into padding.
    // `padded` (padded-image mode only) is image `first_image`'s first float; NULL when off.
    const float *padded;
    size_t first_image, padded_h, padded_w;
} tile_context;

static int multiply(const tile_context *t, int whole, size_t step, size_t first, size_t taps, size_t kchannels,
                    size_t wfirst, size_t wskip, size_t mr, float *out, size_t ldo);

// Computes every channel block of the mr pixels from (b, i, j) into `out` (rows out_c floats
// apart). Returns 1 when every sum was finite.
static int run_tile(const tile_context *t, size_t mr, size_t b, size_t i, size_t j, float *out) {
    const ts_conv_params *p = t->p;
    // The indirection, and what the kernels take from it: `whole` for the direct kernel (one
    // pointer per kernel row in rows), else the indirect one (MR pointers per tap in ind).
    int whole = 0;
    size_t entries, kchannels;
    if (t->adjacent && j + mr <= p->out_w && (t->run_fits || kernel_rows_inside(p, mr, j))) {
        // A whole run takes the direct kernel; a short one, at the end of the range, the
        // indirect kernel, whose pixels past the end read zeros.
        whole = mr == t->mr_max && t->run_zeros_fit;
        run_indirection(p, t->rows, t->ind, !whole, t->strip, mr, t->mr_max, b, i, j);
        entries = p->kernel_h;
        kchannels = p->kernel_w * p->in_c;
    } else {
        const int row_form = t->adjacent && (t->pixels_fit || kernel_rows_inside(p, mr, j));
        pixel_indirection(p, t->ind, t->strip, row_form, mr, t->mr_max, b, i, j);
        entries = row_form ? p->kernel_h : t->taps;
        kchannels = row_form ? p->kernel_w * p->in_c : p->in_c;
    }
    size_t first;
    const size_t taps = whole ? trim_taps(t->rows, entries, 1, p->zero, &first)
                              : trim_taps(t->ind, entries, t->mr_max, p->zero, &first);
    return multiply(t, whole, p->stride_w * p->in_c, first, taps, kchannels, first * kchannels, 0, mr, out, p->out_c);
}

// Runs the kernels for every channel block of a tile whose indirection is built: the direct
// kernel on t->rows (pixels `step` floats apart) when `whole`, else the indirect one on t->ind,
// from tap `first` on, `taps` taps of `kchannels` channels each, pixels stored `ldo` floats
// apart; then ELU. The weights of a block are read from its channel `wfirst` on, skipping
// `wskip` channels after each tap (for a tile reading part of each kernel row). Returns 1 when
// every sum was finite.
static int multiply(const tile_context *t, int whole, size_t step, size_t first, size_t taps, size_t kchannels,
                    size_t wfirst, size_t wskip, size_t mr, float *out, size_t ldo) {
    const ts_conv_params *p = t->p;
    int finite = 1;
    for (size_t nb = 0; nb < t->blocks; nb++) {
        const size_t nr = p->out_c - nb * t->nr_max < t->nr_max ? p->out_c - nb * t->nr_max : t->nr_max;
        const float *weights = p->packed_weights + nb * t->block_floats + wfirst * t->nr_max;
        const size_t bias_stride = p->activation == TS_ACTIVATION_PRELU ? 2 * t->nr_max : t->nr_max;
        const float *bias = p->packed_bias ? p->packed_bias + nb * bias_stride : 0;
        finite &= whole ? t->row->dkernel(taps, kchannels, t->rows + first, step, weights, wskip, bias, p->activation,
                                          t->kernel_streams, out + nb * t->nr_max, ldo, nr)
                        : t->row->ukernel(taps, kchannels, t->ind + first * t->mr_max, weights, wskip, bias,
                                          p->activation, t->kernel_streams, out + nb * t->nr_max, ldo, mr, nr);
    }
    if (p->activation == TS_ACTIVATION_ELU) {
        // Exponentials have no micro-kernel: applied here, while the tile is still in cache.
        for (size_t m = 0; m < mr; m++) {
            float *row = out + m * ldo;
            for (size_t n = 0; n < p->out_c; n++)
                if (row[n] < 0) row[n] = expf(row[n]) - 1.0f;
        }
    }
    return finite;
}

// The tiles of pixels [pixel, end), the first at (b, i, j), in padded-image mode (see
// padded_image_floats): a whole run of MR pixels along an output row takes the direct kernel
// on the kernel rows that fall inside the image; any other tile the indirect one on every
// kernel row of each pixel (rows in the padding read the copy's zeros). Pointers are stepped
// pixel by pixel through the copies, so a tile's indirection is a few additions per pointer.
static int run_padded(const tile_context *t, size_t pixel, size_t end, size_t b, size_t i, size_t j, float *tile,
                      int buffered) {
    const ts_conv_params *p = t->p;
    const size_t mr_max = t->mr_max, kh = p->kernel_h, out_w = p->out_w;
    const size_t padded_row = t->padded_w * p->in_c;
    const size_t row_step = p->dilation_h * padded_row;            // kernel row to kernel row
    const size_t pixel_step = p->stride_w * p->in_c;               // output column to column
    const size_t line_step = p->stride_h * padded_row;             // output row to row
    // End of an output row to the next, and of an image to the next: negative when the stride
    // passes the last kernel row or column (a 1 x 1 kernel at stride 2 over an odd size).
    const ptrdiff_t next_line = (ptrdiff_t)line_step - (ptrdiff_t)(out_w * pixel_step);
    const ptrdiff_t next_image = (ptrdiff_t)(t->padded_h * padded_row) - (ptrdiff_t)(p->out_h * line_step);
    const size_t kchannels = p->kernel_w * p->in_c;
    // Kernel row 0 of output pixel (b, i, j) in the copies.
    const float *at = t->padded + (b - t->first_image) * t->padded_h * padded_row + i * line_step + j * pixel_step;
#define NEXT_LINE()                           \
    do {                                      \
        j = 0;                                \
        at += next_line;                      \
        if (++i == p->out_h) {                \
            i = 0;                            \
            at += next_image;                 \
        }                                     \
    } while (0)
    int finite = 1;
    while (pixel < end) {
        const size_t mr = end - pixel < mr_max ? end - pixel : mr_max;
        float *const destination = p->output + pixel * p->out_c;
        float *const out = buffered ? tile : destination;
        const int whole = mr == mr_max && j + mr <= out_w;
        size_t first = 0, taps = kh;
        if (whole) {
            taps = rows_inside(p, i, &first);
            for (size_t a = first; a < first + taps; a++) t->rows[a] = at + a * row_step;
            at += mr * pixel_step;
            if ((j += mr) == out_w) NEXT_LINE();
        } else {
            for (size_t m = 0; m < mr_max; m++) {
                const float **entry = t->ind + m;
                if (m >= mr) {
                    for (size_t a = 0; a < kh; a++, entry += mr_max) *entry = p->zero;
                    continue;
                }
                const float *row = at;
                for (size_t a = 0; a < kh; a++, entry += mr_max, row += row_step) *entry = row;
                at += pixel_step;
                if (++j == out_w) NEXT_LINE();
            }
        }
        finite &= multiply(t, whole, pixel_step, first, taps, kchannels, first * kchannels, 0, mr, out, p->out_c);
        if (buffered) t->row->stream_tile(destination, tile, mr * p->out_c);
        pixel += mr;
    }
    return finite;
#undef NEXT_LINE
}

// Whether output pixel k reads input pixel k alone (1 x 1, stride 1, no padding): then any MR
// consecutive pixels of the range, across output rows and images, are one run of the direct
// kernel, and a tile's indirection is one pointer.
static int contiguous_pixels(const ts_conv_params *p) {
    return p->kernel_h == 1 && p->kernel_w == 1 && p->stride_h == 1 && p->stride_w == 1 && p->pad_top == 0 &&
           p->pad_left == 0 && p->in_h == p->out_h && p->in_w == p->out_w && p->pool_h == 0;
}

// The tiles of pixels [pixel, end) of a contiguous_pixels convolution: whole tiles take the
// direct kernel, a short last one the indirect kernel with its missing pixels reading zeros.
// (Through run_tile, one tile in ten of a pointwise layer over a 56-pixel-wide map would wrap
// to the next output row and take the general path.)
static int run_contiguous(const tile_context *t, size_t pixel, size_t end, float *tile, int buffered) {
    const ts_conv_params *p = t->p;
    const size_t mr_max = t->mr_max, in_c = p->in_c;
    int finite = 1;
    for (; pixel < end; pixel += mr_max) {
        const size_t mr = end - pixel < mr_max ? end - pixel : mr_max;
        const float *const start = p->input + pixel * in_c;
        float *const destination = p->output + pixel * p->out_c;
        t->rows[0] = start;
        if (mr < mr_max)
            for (size_t m = 0; m < mr_max; m++) t->ind[m] = m < mr ? start + m * in_c : p->zero;
        finite &= multiply(t, mr == mr_max, in_c, 0, 1, in_c, 0, 0, mr, buffered ? tile : destination, p->out_c);
        if (buffered) t->row->stream_tile(destination, tile, mr * p->out_c);
    }
    return finite;
}

// o[n] = v[n] when greater (TensorFlow's MaxPool: NaN never replaces, so a window of NaN and
// -inf gives the lowest finite float); with v NULL, o's own values against that lowest float.
static void keep_greater(float *restrict o, const float *restrict v, size_t n) {
    if (!v) {
        for (size_t k = 0; k < n; k++) o[k] = o[k] > -FLT_MAX ? o[k] : -FLT_MAX;
        return;
    }
    for (size_t k = 0; k < n; k++) o[k] = v[k] > o[k] ? v[k] : o[k];
}

// One batch-major tile: output pixel (i, j) of the mr images of `group` (laid out as t->padded_h
// rows of t->padded_w pixels, one image after another), stored ldo floats apart from `out`.
// left/columns: the kernel columns inside the image for column j.
static int batch_tile(const tile_context *t, const float *group, size_t mr, size_t i, size_t j, size_t left,
                      size_t columns, float *out, size_t ldo) {
    const ts_conv_params *p = t->p;
    const size_t c = p->in_c, mr_max = t->mr_max;
    const size_t padded_row = t->padded_w * c, image_floats = t->padded_h * padded_row;
    const size_t row_step = p->dilation_h * padded_row;
    size_t first;
    const size_t taps = rows_inside(p, i, &first);
    const float *at = group + i * p->stride_h * padded_row + first * row_step + (j * p->stride_w + left) * c;
    for (size_t a = 0; a < taps; a++, at += row_step) {
        t->rows[first + a] = at;
        if (mr == mr_max) continue;
        for (size_t m = 0; m < mr_max; m++) t->ind[(first + a) * mr_max + m] = m < mr ? at + m * image_floats : p->zero;
    }
    return multiply(t, mr == mr_max, image_floats, first, columns ? taps : 0, columns * c,
                    (first * p->kernel_w + left) * c, (p->kernel_w - columns) * c, mr, out, ldo);
}

// Images [first_image, first_image + images) in batch-major tiles (ts_igemm_batch_group): the
// group's MR images copied zero-padded into the strip (or read in place), then for each output
// pixel (i, j) one tile of that pixel in each image — the direct kernel with one pointer per
// kernel row, pixels one padded image apart, only the kernel rows and columns inside the image
// (the same for every pixel of the tile), stored one output image apart. A last group of fewer
// images takes the indirect kernel, its missing pixels reading zeros. With pooling
// (ts_igemm_pools), each pooled pixel's window is computed tile by tile into `tile` and its
// maximum stored; no convolution output is written.
static int run_batch_major(const tile_context *t, size_t first_image, size_t images, int in_place, float *tile) {
    const ts_conv_params *p = t->p;
    const size_t mr_max = t->mr_max, c = p->in_c, out_c = p->out_c;
    const size_t image_floats = t->padded_h * t->padded_w * c;
    // Per output column j, the kernel columns [left[j], left[j] + columns[j]) inside the image,
    // the same for every pixel of a tile: each kernel row is read from column left[j] on, and
    // the weights of the columns in the padding are skipped.
    size_t left[BATCH_MAJOR_PIXELS], columns[BATCH_MAJOR_PIXELS];
    for (size_t j = 0; j < p->out_w; j++) {
        const ptrdiff_t x = (ptrdiff_t)(j * p->stride_w) - p->pad_left;
        const ptrdiff_t right = x + (ptrdiff_t)p->kernel_w > (ptrdiff_t)p->in_w ? (ptrdiff_t)p->in_w - x
                                                                              : (ptrdiff_t)p->kernel_w;
        left[j] = x < 0 ? (size_t)-x : 0;
        columns[j] = right > (ptrdiff_t)left[j] ? (size_t)right - left[j] : 0;
    }
    const int pooled = p->pool_h > 0;
    const size_t per_image = pooled ? p->pooled_h * p->pooled_w : p->out_h * p->out_w;
    const size_t ldo = per_image * out_c;
    int finite = 1;
    for (size_t g = 0; g < images; g += mr_max) {
        const size_t mr = images - g < mr_max ? images - g : mr_max;
        const float *group = t->strip;
        if (in_place)
            group = p->input + (first_image + g) * image_floats;
        else
            pad_images(p, t->strip, first_image + g, mr, t->padded_h, t->padded_w);
        float *const out = p->output + (first_image + g) * ldo;
        if (!pooled) {
            for (size_t i = 0; i < p->out_h; i++)
                for (size_t j = 0; j < p->out_w; j++)
                    finite &= batch_tile(t, group, mr, i, j, left[j], columns[j], out + (i * p->out_w + j) * out_c, ldo);
            continue;
        }
        for (size_t pi = 0; pi < p->pooled_h; pi++) {
            const ptrdiff_t top = (ptrdiff_t)(pi * p->pool_h) - p->pool_top;
            const size_t i0 = top < 0 ? 0 : (size_t)top;
            const size_t i1 = top + (ptrdiff_t)p->pool_h < (ptrdiff_t)p->out_h ? (size_t)(top + (ptrdiff_t)p->pool_h) : p->out_h;
            for (size_t pj = 0; pj < p->pooled_w; pj++) {
                const ptrdiff_t start = (ptrdiff_t)(pj * p->pool_w) - p->pool_left;
                const size_t j0 = start < 0 ? 0 : (size_t)start;
                const size_t j1 = start + (ptrdiff_t)p->pool_w < (ptrdiff_t)p->out_w ? (size_t)(start + (ptrdiff_t)p->pool_w)
                                                                                     : p->out_w;
                // The window's first cell straight into the pooled pixel, then each other one
                // through `tile`, kept where greater.
                float *const pixel = out + (pi * p->pooled_w + pj) * out_c;
                for (size_t i = i0; i < i1; i++) {
                    for (size_t j = j0; j < j1; j++) {
                        const int first_cell = i == i0 && j == j0;
                        finite &= batch_tile(t, group, mr, i, j, left[j], columns[j], first_cell ? pixel : tile,
                                             first_cell ? ldo : out_c);
                        for (size_t m = 0; m < mr; m++)
                            keep_greater(pixel + m * ldo, first_cell ? 0 : tile + m * out_c, out_c);
                    }
                }
            }
        }
    }
    return finite;
}

int ts_igemm_run(int isa, const ts_conv_params *p, size_t first, size_t count) {
    const ts_isa_row *row = ts_isa_row_of(isa);
    if (!row) return 0;
    const size_t mr_max = row->mr, nr_max = row->nr;
    const size_t taps = p->kernel_h * p->kernel_w;
    const float *ind[TS_IGEMM_MAX_TAPS * 8], *rows[TS_IGEMM_MAX_TAPS];
    if (taps > TS_IGEMM_MAX_TAPS || mr_max > 8) return 0;
    // Which tiles keep the row form: it needs adjacent taps, and an edge tile's padded copies
    // must fit the buffer (kh spans of a run on the fast path, kh * MR kernel rows on the
    // general one); a tile that needs no copies keeps it whatever the buffer.
    float strip[STRIP_FLOATS];
    const size_t run_row_floats = ts_igemm_zero_count(isa, p->kernel_w, p->stride_w, p->in_c);
    tile_context t = {
        .p = p,
        .row = row,
        .mr_max = mr_max,
        .nr_max = nr_max,
        .taps = taps,
        .blocks = (p->out_c + nr_max - 1) / nr_max,
        .block_floats = taps * p->in_c * nr_max,
        .adjacent = p->dilation_w == 1,
        .run_fits = run_row_floats <= STRIP_FLOATS / p->kernel_h,
        .pixels_fit = p->kernel_w * p->in_c <= STRIP_FLOATS / (p->kernel_h * mr_max),
        // The direct kernel reads a kernel row in the padding as MR pixels of the zero row.
        .run_zeros_fit = run_row_floats <= p->zero_count,
        .ind = ind,
        .rows = rows,
        .strip = strip,
    };
    // Streaming (non-temporal stores, for an output far larger than the cache): a large output
    // is not read into the cache only to be overwritten, which took 4-8 % of an RGB first layer
    // on two cores. Where one block is the whole pixel (out_c = NR) the kernel streams its rows,
    // a contiguous run; with several blocks each call writes only part of each pixel, and
    // streaming those pieces left the write-combining buffers half full (slower than ordinary
    // stores), so the kernels store the tile into `tile` and it is streamed from there whole.
    // Both need 16-byte aligned pixels.
    _Alignas(64) float tile[TILE_FLOATS];
    const int aligned = ((uintptr_t)p->output & 15) == 0 && (p->out_c & 3) == 0;
    t.kernel_streams = p->stream && aligned && p->out_c == nr_max;
    const int buffered = p->stream && aligned && !t.kernel_streams && p->out_c <= TILE_FLOATS / mr_max;

    const size_t end = first + count;
    const size_t per_image = p->out_h * p->out_w;
    int finite = 1;
    size_t pixel = first;
    size_t b = pixel / per_image, i = (pixel % per_image) / p->out_w, j = pixel % p->out_w;
    // The small-map modes read the input in place when no kernel row reaches into padding,
    // else from copies laid out as padded_h rows of padded_w pixels.
    const int batch_major = ts_igemm_batch_group(isa, p) && pixel % per_image == 0 && end % per_image == 0 &&
                            padded_image_floats(p, 0, mr_max * per_image, &t.padded_h, &t.padded_w);
    // Pooling is done by batch-major ranges only; the caller asks for it only then (see
    // ts_igemm_pools), and anything else writes nothing rather than a wrong layout.
    if (p->pool_h && !(batch_major && ts_igemm_pools(isa, p))) return 0;
    if (contiguous_pixels(p)) {
        finite = run_contiguous(&t, pixel, end, tile, buffered);
        pixel = end;
    } else if (batch_major || padded_image_floats(p, first, count, &t.padded_h, &t.padded_w)) {
        const int in_place = reads_in_place(p, t.padded_h, t.padded_w);
        if (in_place) {
            t.padded_h = p->in_h;
            t.padded_w = p->in_w;
        }
        if (batch_major) {
            t.kernel_streams = 0;
            finite = run_batch_major(&t, b, count / per_image, in_place, tile);
        } else {
            t.first_image = b;
            if (in_place) {
                t.padded = p->input + b * p->in_h * p->in_w * p->in_c;
            } else {
                pad_images(p, strip, b, (end - 1) / per_image - b + 1, t.padded_h, t.padded_w);
                t.padded = strip;
            }
            finite = run_padded(&t, pixel, end, b, i, j, tile, buffered);
        }
        pixel = end;
    }
    while (pixel < end) {
        const size_t mr = end - pixel < mr_max ? end - pixel : mr_max;
        float *const destination = p->output + pixel * p->out_c;
        finite &= run_tile(&t, mr, b, i, j, buffered ? tile : destination);
        if (buffered) row->stream_tile(destination, tile, mr * p->out_c);
        for (size_t m = 0; m < mr; m++) advance(p, &b, &i, &j);
        pixel += mr;
    }
    if (p->stream) row->fence();  // non-temporal stores are visible before the caller reads the output
    return finite || !p->check_finite;
}
