// What both Winograd variants use (winograd.h): the transforms' and products'
// table — winograd_transforms.h compiled for each instruction set's vectors.
#if defined(__x86_64__)
#include <math.h>

#include "activate_avx2.h"
#include "activate_avx512.h"
#include "winograd.h"

size_t ts_winograd_packed_count(int isa, size_t a, size_t in_c, size_t out_c) {
    const size_t nr = ts_igemm_nr(isa);
    return nr == 0 ? 0 : a * a * ((out_c + nr - 1) / nr) * in_c * nr;
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
#define TS_W_MR 6
#include "winograd_transforms.h"
#undef TS_W
#undef TS_W_VEC
#undef TS_W_TARGET
#undef TS_W_NAME
#undef TS_W_ACTIVATE
#undef TS_W_MR

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
#define TS_W_MR 8
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
#undef TS_W_MR

const ts_winograd_transforms *ts_winograd_transforms_of(int isa) {
    const ts_isa_row *row = ts_isa_row_of(isa);
    if (!row) return 0;
    const ts_winograd_transforms *t = row == &ts_emulated_avx512_row ? &transforms_emulated_avx512
                                      : isa == TS_ISA_AVX512           ? &transforms_avx512
                                                                       : &transforms_avx2;
    // The products' tile is the row's: the filter is packed, and the scratch sized, by it.
    return t->mr == row->mr && t->nr == row->nr ? t : 0;
}
#endif
