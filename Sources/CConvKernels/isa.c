#include <stdint.h>

#include "CConvKernels.h"

// __builtin_cpu_supports reads CPUID and the OS's XCR0 (through libgcc/compiler-rt), so a
// feature is reported only when the OS saves its registers.
int ts_isa_supported(int isa) {
    __builtin_cpu_init();
    switch (isa) {
    case TS_ISA_AVX2:
        return __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma");
    case TS_ISA_AVX512:
        return __builtin_cpu_supports("avx512f");
    default:
        return 0;
    }
}

size_t ts_igemm_mr(int isa) { return isa == TS_ISA_AVX512 ? 8 : 6; }
size_t ts_igemm_nr(int isa) { return isa == TS_ISA_AVX512 ? 32 : 16; }

size_t ts_igemm_zero_count(int isa, size_t kernel_w, size_t stride_w, size_t in_c) {
    size_t pixels, floats;
    if (__builtin_mul_overflow(ts_igemm_mr(isa) - 1, stride_w, &pixels) ||
        __builtin_add_overflow(pixels, kernel_w, &pixels) || __builtin_mul_overflow(pixels, in_c, &floats))
        return SIZE_MAX;
    return floats;
}
