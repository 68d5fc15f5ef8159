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
