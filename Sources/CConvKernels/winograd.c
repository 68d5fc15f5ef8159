// What both Winograd variants use (winograd.h): the products' loop, and the transforms'
// table — winograd_transforms.h compiled for each instruction set's vectors.
#if defined(__x86_64__)
#include <math.h>

#include "activate_avx2.h"
#include "activate_avx512.h"
#include "winograd.h"

size_t ts_winograd_packed_count(int isa, size_t in_c, size_t out_c) {
    const size_t nr = ts_igemm_nr(isa);
    return nr == 0 ? 0 : 36 * ((out_c + nr - 1) / nr) * in_c * nr;
}

void ts_winograd_products(const ts_isa_row *row, const float *v, size_t v_stride, const float *u, float *m,
                          size_t m_stride, size_t count, size_t in_c, size_t out_c, size_t first_block, size_t end_block) {
    const size_t mr = row->mr, nr = row->nr;
    if (mr > TS_WINOGRAD_ROW_TILES) return;
    for (size_t t0 = 0; t0 < count; t0 += mr) {
        const size_t pixels = count - t0 < mr ? count - t0 : mr;
        const float *ind[TS_WINOGRAD_ROW_TILES];
        for (size_t q = 0; q < mr; q++) ind[q] = v + (t0 + (q < pixels ? q : 0)) * v_stride;
        for (size_t nb = first_block; nb < end_block; nb++) {
            const size_t width = out_c - nb * nr < nr ? out_c - nb * nr : nr;
            row->ukernel(1, in_c, ind, u + (nb - first_block) * in_c * nr, 0, 0, TS_ACTIVATION_NONE, 0,
                         m + t0 * m_stride + nb * nr, m_stride, pixels, width);
        }
    }
}

// AVX2: eight lanes, the AVX2 kernels' activation.
typedef float ts_v8 __attribute__((vector_size(32), aligned(4)));
__attribute__((target("avx2,fma"), always_inline)) static inline ts_v8 activate_v8(ts_v8 v, ts_v8 slope, int activation) {
    return (ts_v8)ts_activate_avx2((__m256)v, (__m256)slope, activation);
}
#define TS_W 8
#define TS_W_VEC ts_v8
#define TS_W_TARGET "avx2,fma"
#define TS_W_NAME(x) x##_avx2
#define TS_W_ACTIVATE activate_v8
#include "winograd_transforms.h"
#undef TS_W
#undef TS_W_VEC
#undef TS_W_TARGET
#undef TS_W_NAME
#undef TS_W_ACTIVATE

// AVX-512: sixteen lanes, the AVX-512 kernels' activation.
typedef float ts_v16 __attribute__((vector_size(64), aligned(4)));
__attribute__((target(TS_AVX512_TARGET), always_inline)) static inline ts_v16 activate_v16(ts_v16 v, ts_v16 slope,
                                                                                   int activation) {
    return (ts_v16)ts_activate_avx512((__m512)v, (__m512)slope, activation);
}
#define TS_W 16
#define TS_W_VEC ts_v16
#define TS_W_TARGET TS_AVX512_TARGET
#define TS_W_NAME(x) x##_avx512
#define TS_W_ACTIVATE activate_v16
#include "winograd_transforms.h"
#undef TS_W_TARGET
#undef TS_W_NAME
#undef TS_W_ACTIVATE

// The AVX-512 variant's sixteen lanes on AVX2, each half activated as the AVX2 kernels do: for
// the AVX-512 row's emulation (emulated_avx512.c), so its 16-lane loops run on CPUs without it.
// Its helpers pass 16-float vectors between always-inlined functions, whose calling convention
// (what -Wpsabi warns of) never applies.
#pragma clang diagnostic push
#pragma clang diagnostic ignored "-Wpsabi"
__attribute__((target("avx2,fma"), always_inline)) static inline ts_v16 activate_halves(ts_v16 v, ts_v16 slope,
                                                                                      int activation) {
    const ts_v8 low = activate_v8(__builtin_shufflevector(v, v, 0, 1, 2, 3, 4, 5, 6, 7),
                                  __builtin_shufflevector(slope, slope, 0, 1, 2, 3, 4, 5, 6, 7), activation);
    const ts_v8 high = activate_v8(__builtin_shufflevector(v, v, 8, 9, 10, 11, 12, 13, 14, 15),
                                   __builtin_shufflevector(slope, slope, 8, 9, 10, 11, 12, 13, 14, 15), activation);
    return __builtin_shufflevector(low, high, 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15);
}
#define TS_W_TARGET "avx2,fma"
#define TS_W_NAME(x) x##_emulated_avx512
#define TS_W_ACTIVATE activate_halves
#include "winograd_transforms.h"
#pragma clang diagnostic pop
#undef TS_W
#undef TS_W_VEC
#undef TS_W_TARGET
#undef TS_W_NAME
#undef TS_W_ACTIVATE

const ts_winograd_transforms *ts_winograd_transforms_of(int isa) {
    const ts_isa_row *row = ts_isa_row_of(isa);
    if (!row) return 0;
    if (row == &ts_emulated_avx512_row) return &transforms_emulated_avx512;
    return isa == TS_ISA_AVX512 ? &transforms_avx512 : &transforms_avx2;
}
#endif
