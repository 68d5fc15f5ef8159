#ifndef TENSORSCOPE_IMAGE_KERNELS_H
#define TENSORSCOPE_IMAGE_KERNELS_H
// Loops of the image side that Swift does not vectorise (float min/max and float-to-integer
// conversion with Swift's checks), written so that the C compiler does.
#include <stddef.h>
#include <stdint.h>

/// The tiles of a feature-map mosaic as 8-bit gray: for `map` (`height × width × channels`,
/// channels innermost), each channel normalised by its own min and max to [0, 1] (a constant
/// channel is 0), scaled by 255 and rounded half up (as PNGWriter.quantize), NaN as 0, written into its tile of `out`
/// (rows of `out_width` bytes): channel k's tile starts at column (k % columns) · (width + 1)
/// and row (k / columns) · (height + 1). Bytes outside the tiles are left as they are.
/// `scratch` holds 3 · channels floats.
void ts_mosaic_tiles_gray8(const float *map, int height, int width, int channels, int columns,
                           uint8_t *out, size_t out_width, float *scratch);

/// Summary figures of `count` floats: the least and greatest (NaN never counts: `v < low`
/// and `v >= high` decide), the sum (float sums of 4096 values added up in double) and the
/// number of exact zeros. For an empty input, low = +inf, high = -inf, sum = 0, zeros = 0.
void ts_summary(const float *values, size_t count, float *low, float *high, double *sum, size_t *zeros);
#endif
