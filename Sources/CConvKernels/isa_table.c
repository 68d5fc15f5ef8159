#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "isa_table.h"

static const ts_isa_row rows[] = {
#if defined(__x86_64__)
    {
        .isa = TS_ISA_AVX2, .mr = 6, .nr = 16,
        .ukernel = ts_igemm_6x16_avx2, .dkernel = ts_dconv_6x16_avx2, .dwkernel = ts_dwconv_avx2,
        .pkernel = ts_planar_8_avx2,
        .stream_tile = ts_x86_stream_tile, .fence = ts_x86_fence,
        .peak = ts_peak_avx2, .peak_flops_per_iteration = 12 * 8 * 2,
    },
    {
        .isa = TS_ISA_AVX512, .mr = 8, .nr = 32,
        .ukernel = ts_igemm_8x32_avx512, .dkernel = ts_dconv_8x32_avx512, .dwkernel = ts_dwconv_avx512,
        .pkernel = ts_planar_8_avx2,  // every AVX-512 CPU runs AVX2; no 16-pixel kernel yet
        .stream_tile = ts_x86_stream_tile, .fence = ts_x86_fence,
        .peak = ts_peak_avx512, .peak_flops_per_iteration = 16 * 16 * 2,
    },
#endif
};

int ts_avx512_via_simde(void) {
#if defined(TS_AVX512_VIA_SIMDE)
    return 1;
#else
    return 0;
#endif
}

// Whether the AVX-512 row's own kernels (avx512.c) run here: on a CPU with AVX-512F; or, when
// this build compiled them for AVX2 through SIMDe (avx512_intrinsics.h), on one with AVX2 + FMA.
static int avx512_source_runs(void) {
#if defined(__x86_64__)
    __builtin_cpu_init();
#if defined(TS_AVX512_VIA_SIMDE)
    return __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma");
#else
    return __builtin_cpu_supports("avx512f");
#endif
#else
    return 0;
#endif
}

// Whether TensorScope's tests asked for the AVX-512 kernels' emulation and this CPU needs it
// for them: AVX2 + FMA (the Winograd transforms and the rest of the process use them) without
// AVX-512F.
static int emulates_avx512(void) {
#if defined(__x86_64__)
    const char *value = getenv("TENSORSCOPE_EMULATE_AVX512");
    __builtin_cpu_init();
    return value && strcmp(value, "1") == 0 && !__builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx2") &&
           __builtin_cpu_supports("fma");
#else
    return 0;
#endif
}

// Whether the CPU and OS run `isa`'s instructions. __builtin_cpu_supports reads CPUID and the
// OS's XCR0 (through libgcc/compiler-rt), so a feature counts only when the OS saves its
// registers.
static int detect(int isa) {
#if defined(__x86_64__)
    __builtin_cpu_init();
    switch (isa) {
    case TS_ISA_AVX2: return __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma");
    case TS_ISA_AVX512: return avx512_source_runs() || emulates_avx512();
    }
#endif
    (void)isa;
    return 0;
}

// The row of `isa` on this CPU: its own kernels, the emulation standing in for them (tests), or
// NULL.
static const ts_isa_row *resolve(int isa) {
    if (!detect(isa)) return 0;
#if defined(__x86_64__)
    if (isa == TS_ISA_AVX512 && !avx512_source_runs()) return &ts_emulated_avx512_row;
#endif
    for (size_t i = 0; i < sizeof rows / sizeof rows[0]; i++)
        if (rows[i].isa == isa) return &rows[i];
    return 0;
}

const ts_isa_row *ts_isa_row_of(int isa) {
    // Resolved once per instruction set (the drivers ask on every call); `unsupported` marks
    // one this CPU does not run. Two threads resolving at once store the same pointer.
    static const ts_isa_row unsupported;
    static const ts_isa_row *_Atomic resolved[TS_ISA_COUNT];
    if (isa <= TS_ISA_NONE || isa >= TS_ISA_COUNT) return 0;
    const ts_isa_row *row = resolved[isa];
    if (!row) {
        row = resolve(isa);
        if (!row) row = &unsupported;
        resolved[isa] = row;
    }
    return row == &unsupported ? 0 : row;
}

int ts_isa_supported(int isa) { return ts_isa_row_of(isa) != 0; }

size_t ts_igemm_mr(int isa) {
    const ts_isa_row *row = ts_isa_row_of(isa);
    return row ? row->mr : 0;
}

size_t ts_igemm_nr(int isa) {
    const ts_isa_row *row = ts_isa_row_of(isa);
    return row ? row->nr : 0;
}

size_t ts_igemm_zero_count(int isa, size_t kernel_w, size_t stride_w, size_t in_c) {
    size_t pixels, floats;
    const size_t mr = ts_igemm_mr(isa);
    if (mr == 0 || __builtin_mul_overflow(mr - 1, stride_w, &pixels) ||
        __builtin_add_overflow(pixels, kernel_w, &pixels) || __builtin_mul_overflow(pixels, in_c, &floats))
        return SIZE_MAX;
    return floats;
}

int ts_dwconv_run(int isa, size_t channels, size_t pixels, size_t taps, const float *const *ind, const float *w,
                  const float *bias, int activation, float *out) {
    const ts_isa_row *row = ts_isa_row_of(isa);
    return row ? row->dwkernel(channels, pixels, taps, ind, w, bias, activation, out) : 0;
}

float ts_fma_peak(int isa, size_t iterations) {
    const ts_isa_row *row = ts_isa_row_of(isa);
    return row ? row->peak(iterations) : 0;
}

size_t ts_fma_peak_flops_per_iteration(int isa) {
    const ts_isa_row *row = ts_isa_row_of(isa);
    return row ? row->peak_flops_per_iteration : 0;
}

static char cpu_flags[128];

static void read_cpu_flags(void) {
    char text[128] = "";
#if defined(__x86_64__)
    __builtin_cpu_init();
    // The features OpenBLAS's kernels are chosen by (BLASCoreSelection in Swift).
    if (__builtin_cpu_supports("avx")) strcat(text, " avx");
    if (__builtin_cpu_supports("avx2")) strcat(text, " avx2");
    if (__builtin_cpu_supports("fma")) strcat(text, " fma");
    if (__builtin_cpu_supports("avx512f")) strcat(text, " avx512f");
    if (__builtin_cpu_supports("avx512bw")) strcat(text, " avx512bw");
    if (__builtin_cpu_supports("avx512dq")) strcat(text, " avx512dq");
    if (__builtin_cpu_supports("avx512vl")) strcat(text, " avx512vl");
    if (__builtin_cpu_supports("avx512cd")) strcat(text, " avx512cd");
#endif
    memcpy(cpu_flags, text[0] ? text + 1 : text, sizeof text - 1);
}

const char *ts_cpu_flags(void) {
    static pthread_once_t once = PTHREAD_ONCE_INIT;
    pthread_once(&once, read_cpu_flags);
    return cpu_flags;
}
