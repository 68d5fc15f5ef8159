#ifndef TENSORSCOPE_CPNG_SHIM_H
#define TENSORSCOPE_CPNG_SHIM_H
// libpng's simplified API (png_image_*), which reports errors through return values and
// image.message instead of longjmp — the only part of libpng Swift can call safely.
// The composite format and size macros do not import into Swift; these wrap them.
#include <png.h>

static inline png_uint_32 tspng_format_flag_alpha(void) { return PNG_FORMAT_FLAG_ALPHA; }
static inline png_uint_32 tspng_format_flag_color(void) { return PNG_FORMAT_FLAG_COLOR; }
static inline png_uint_32 tspng_format_flag_linear(void) { return PNG_FORMAT_FLAG_LINEAR; }
static inline png_uint_32 tspng_format_flag_colormap(void) { return PNG_FORMAT_FLAG_COLORMAP; }
static inline png_uint_32 tspng_format_gray(void) { return PNG_FORMAT_GRAY; }
static inline png_uint_32 tspng_format_rgb(void) { return PNG_FORMAT_RGB; }
static inline png_uint_32 tspng_format_rgba(void) { return PNG_FORMAT_RGBA; }
static inline png_uint_32 tspng_image_version(void) { return PNG_IMAGE_VERSION; }
static inline png_uint_32 tspng_flag_fast(void) { return PNG_IMAGE_FLAG_FAST; }

/// Channels per pixel of a (non-colour-mapped) format: 1 to 4.
static inline unsigned tspng_channels(png_uint_32 format) { return PNG_IMAGE_SAMPLE_CHANNELS(format); }

/// Bytes of the whole decoded image for the format currently set in `image`.
static inline size_t tspng_image_size(const png_image *image) {
    return (size_t)PNG_IMAGE_PIXEL_COMPONENT_SIZE(image->format) * (size_t)image->height
        * (size_t)PNG_IMAGE_PIXEL_CHANNELS(image->format) * (size_t)image->width;
}

/// An upper bound of the encoded size of `image` (PNG_IMAGE_PNG_SIZE_MAX), so an image can be
/// encoded to memory in one pass instead of one pass to measure and another to write.
static inline size_t tspng_encoded_size_max(const png_image *image) { return PNG_IMAGE_PNG_SIZE_MAX(*image); }

/// True when `image` reports an error (not just a warning).
static inline int tspng_failed(const png_image *image) { return PNG_IMAGE_FAILED(*image); }
#endif
