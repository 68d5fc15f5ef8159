#include <string.h>

#include "CConvKernels.h"

size_t ts_igemm_packed_count(int isa, size_t kernel_h, size_t kernel_w, size_t in_c, size_t out_c) {
    size_t nr = ts_igemm_nr(isa);
    if (nr == 0) return 0;
    size_t blocks = (out_c + nr - 1) / nr;
    return blocks * kernel_h * kernel_w * in_c * nr;
}

// HWIO is [tap][in_c][out_c] with tap = a * kw + c; a block holds NR consecutive output
// channels for every (tap, in_c), so the micro-kernel reads its weights as one stream.
void ts_igemm_pack_weights(int isa, const float *hwio, size_t kernel_h, size_t kernel_w, size_t in_c,
                           size_t out_c, float *packed) {
    size_t nr = ts_igemm_nr(isa);
    if (nr == 0) return;
    size_t blocks = (out_c + nr - 1) / nr;
    size_t rows = kernel_h * kernel_w * in_c;
    for (size_t b = 0; b < blocks; b++) {
        size_t first = b * nr;
        size_t valid = out_c - first < nr ? out_c - first : nr;
        float *dst = packed + b * rows * nr;
        for (size_t r = 0; r < rows; r++) {
            memcpy(dst + r * nr, hwio + r * out_c + first, valid * sizeof(float));
            if (valid < nr) memset(dst + r * nr + valid, 0, (nr - valid) * sizeof(float));
        }
    }
}
