#include "image_kernels.h"

// The results must equal Swift's, which never fuses a multiply and an add.
#pragma STDC FP_CONTRACT OFF

void ts_mosaic_tiles_gray8(const float *map, int height, int width, int channels, int columns,
                           uint8_t *out, size_t out_width, float *scratch) {
    const size_t c = (size_t)channels, pixels = (size_t)height * (size_t)width;
    float *low = scratch, *range = scratch + c, *t = scratch + 2 * c;
    // Each channel's range: one pass, channels side by side (vectorised across channels).
    // `v < low ? v : low` is Swift's min and keeps NaN out of the bounds, as make() does.
    float *high = t;
    for (size_t k = 0; k < c; k++) {
        low[k] = __builtin_inff();
        high[k] = -__builtin_inff();
    }
    for (size_t p = 0; p < pixels; p++) {
        const float *v = map + p * c;
        for (size_t k = 0; k < c; k++) {
            low[k] = v[k] < low[k] ? v[k] : low[k];
            high[k] = v[k] >= high[k] ? v[k] : high[k];
        }
    }
    for (size_t k = 0; k < c; k++) range[k] = high[k] - low[k];
    // Each pixel's channels normalised together, then dropped into their tiles. The order of
    // operations is make()'s and PNGWriter.quantize's: (v - low) / range, clamp, NaN to 0,
    // · 255, rounded half up by truncating and comparing the fraction.
    for (size_t y = 0; y < (size_t)height; y++) {
        for (size_t x = 0; x < (size_t)width; x++) {
            const float *v = map + (y * (size_t)width + x) * c;
            for (size_t k = 0; k < c; k++) {
                float s = range[k] > 0 ? (v[k] - low[k]) / range[k] : 0.0f;
                s = s < 0 ? 0 : s;
                s = s > 1 ? 1 : s;
                s = s != s ? 0 : s;
                t[k] = s * 255.0f;
            }
            // Tile by tile along the grid's rows; no division per sample.
            uint8_t *tile_row = out + y * out_width + x;
            for (size_t k = 0; k < c; k += (size_t)columns) {
                uint8_t *sample = tile_row;
                for (size_t j = k; j < k + (size_t)columns && j < c; j++) {
                    int32_t whole = (int32_t)t[j];
                    *sample = (uint8_t)(whole + (t[j] - (float)whole >= 0.5f));
                    sample += (size_t)width + 1;
                }
                tile_row += ((size_t)height + 1) * out_width;
            }
        }
    }
}
