#include "png_encode.h"

#include <png.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

// The growing output buffer, and the first error libpng reported.
typedef struct {
    uint8_t *data;
    size_t size, capacity;
    char message[200];
} sink;

static void sink_write(png_structp png, png_bytep bytes, size_t count) {
    sink *s = png_get_io_ptr(png);
    if (count > s->capacity - s->size) {
        size_t capacity = s->capacity ? s->capacity : 1 << 16;
        while (count > capacity - s->size) {
            if (capacity > SIZE_MAX / 2) png_error(png, "encoded image too large");
            capacity *= 2;
        }
        uint8_t *grown = realloc(s->data, capacity);
        if (!grown) png_error(png, "out of memory");
        s->data = grown;
        s->capacity = capacity;
    }
    memcpy(s->data + s->size, bytes, count);
    s->size += count;
}

static void sink_flush(png_structp png) { (void)png; }

static void on_error(png_structp png, png_const_charp message) {
    sink *s = png_get_error_ptr(png);
    snprintf(s->message, sizeof s->message, "%s", message);
    png_longjmp(png, 1);
}

static void on_warning(png_structp png, png_const_charp message) {
    (void)png;
    (void)message;
}

int ts_png_encode(const uint8_t *pixels, uint32_t width, uint32_t height, int channels,
                  ts_png_settings settings, uint8_t **out, size_t *out_size,
                  char *message, size_t message_size) {
    *out = NULL;
    *out_size = 0;
    if ((channels != 1 && channels != 3) || width == 0 || height == 0) {
        snprintf(message, message_size, "expected 1 or 3 channels and a non-empty image");
        return 0;
    }
    // Everything a longjmp must find intact lives behind pointers, not in registers.
    sink *s = calloc(1, sizeof(sink));
    if (!s) {
        snprintf(message, message_size, "out of memory");
        return 0;
    }
    png_structp png = png_create_write_struct(PNG_LIBPNG_VER_STRING, s, on_error, on_warning);
    png_infop info = png ? png_create_info_struct(png) : NULL;
    if (!png || !info) {
        png_destroy_write_struct(&png, NULL);
        free(s);
        snprintf(message, message_size, "out of memory");
        return 0;
    }
    if (setjmp(png_jmpbuf(png))) {
        snprintf(message, message_size, "%s", s->message);
        png_destroy_write_struct(&png, &info);
        free(s->data);
        free(s);
        return 0;
    }
    png_set_write_fn(png, s, sink_write, sink_flush);
    png_set_IHDR(png, info, width, height, 8, channels == 3 ? PNG_COLOR_TYPE_RGB : PNG_COLOR_TYPE_GRAY,
                 PNG_INTERLACE_NONE, PNG_COMPRESSION_TYPE_DEFAULT, PNG_FILTER_TYPE_DEFAULT);
    png_set_filter(png, PNG_FILTER_TYPE_BASE, settings.filters);
    png_set_compression_level(png, settings.level);
    png_set_compression_strategy(png, settings.strategy);
    png_write_info(png, info);
    size_t stride = (size_t)width * (size_t)channels;
    for (uint32_t y = 0; y < height; y++) {
        png_write_row(png, pixels + (size_t)y * stride);
    }
    png_write_end(png, info);
    png_destroy_write_struct(&png, &info);
    *out = s->data;
    *out_size = s->size;
    free(s);
    return 1;
}
