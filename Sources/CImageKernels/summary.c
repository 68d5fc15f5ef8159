#include "image_kernels.h"

// The results must equal Swift's, which never fuses a multiply and an add.
#pragma STDC FP_CONTRACT OFF

// Eight independent lanes: elementwise operations the compiler vectorises, where one running
// minimum or float sum would be a chain it must not reorder.
enum { lanes = 8, block = 4096 };

void ts_summary(const float *values, size_t count, float *low, float *high, double *sum, size_t *zeros) {
    float lo[lanes], hi[lanes];
    int32_t zero[lanes];
    for (int j = 0; j < lanes; j++) {
        lo[j] = __builtin_inff();
        hi[j] = -__builtin_inff();
        zero[j] = 0;
    }
    double total = 0;
    size_t zero_total = 0, i = 0;
    while (i + lanes <= count) {
        float partial[lanes] = {0};
        size_t end = i + block < count ? i + block : count;
        for (; i + lanes <= end; i += lanes) {
            for (int j = 0; j < lanes; j++) {
                float v = values[i + j];
                lo[j] = v < lo[j] ? v : lo[j];
                hi[j] = v >= hi[j] ? v : hi[j];
                partial[j] += v;
                zero[j] += v == 0.0f;
            }
        }
        for (int j = 0; j < lanes; j++) {
            total += partial[j];
            zero_total += (size_t)zero[j];
            zero[j] = 0;
        }
    }
    float l = lo[0], h = hi[0];
    for (int j = 1; j < lanes; j++) {
        l = lo[j] < l ? lo[j] : l;
        h = hi[j] >= h ? hi[j] : h;
    }
    for (; i < count; i++) {
        float v = values[i];
        l = v < l ? v : l;
        h = v >= h ? v : h;
        total += v;
        zero_total += v == 0.0f;
    }
    *low = l;
    *high = h;
    *sum = total;
    *zeros = zero_total;
}
