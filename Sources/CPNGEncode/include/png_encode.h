#ifndef TENSORSCOPE_PNG_ENCODE_H
#define TENSORSCOPE_PNG_ENCODE_H
// PNG encoding through libpng's full API, for the zlib settings its simplified API does not
// offer. libpng reports errors by longjmp; this C function catches them (setjmp) and returns
// a status, so Swift never sees a jump.
#include <stddef.h>
#include <stdint.h>

/// How an image is compressed.
typedef struct {
    int level;     ///< zlib level, 0 (store) to 9
    int strategy;  ///< zlib strategy: 0 default, 1 filtered, 2 Huffman only, 3 RLE
    int filters;   ///< libpng's PNG_FILTER_* bits (0x08 none, 0x10 sub, 0x20 up, …)
} ts_png_settings;

/// Encodes 8-bit gray (`channels` 1) or RGB (3) `pixels`, rows packed, into a buffer this
/// function allocates with malloc (`*out`, `*out_size`; the caller frees it). Returns 1 on
/// success; 0 with a message in `message` (NUL-terminated, at most `message_size` bytes) and
/// nothing allocated otherwise.
int ts_png_encode(const uint8_t *pixels, uint32_t width, uint32_t height, int channels,
                  ts_png_settings settings, uint8_t **out, size_t *out_size,
                  char *message, size_t message_size);
#endif
