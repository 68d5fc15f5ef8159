// The AVX-512 row's kernels in plain C: the same 8 x 32 tile and the kernels' order of
// operations (one fused multiply-add per input channel and lane, channel by channel; the
// depthwise kernel's three interleaved sums), so they round as the kernels do. For testing the
// drivers' 8 x 32 paths — batch-major groups of 8 images, Winograd blocks of 8 tiles, blocks of
// 32 channels — on CPUs with AVX2 but without AVX-512 (with them, the Winograd transforms'
// 16-lane variant, compiled for AVX2 in winograd.c): used only when
// TENSORSCOPE_EMULATE_AVX512=1 is set on such a CPU (isa_table.c, scripts/test-emulated-avx512);
// slow, and never chosen otherwise.
#if defined(__x86_64__)
#include <math.h>

#include "isa_table.h"

#define MR 8
#define NR 32

// The AVX-512 kernels' activation: their max_ps/min_ps return the second operand when one is
// NaN, so NaN is kept.
static float activate(float v, float slope, int activation) {
    const float high = 0 > v ? 0 : v, low = 0 < v ? 0 : v;
    if (activation == TS_ACTIVATION_RELU) return high;
    if (activation == TS_ACTIVATION_RELU6) return 6.0f < high ? 6.0f : high;
    if (activation == TS_ACTIVATION_PRELU) return fmaf(slope, low, high);
    return v;
}

static int kernel(size_t taps, size_t in_c, const float *const *ind, size_t step, int direct, const float *w,
                  size_t wskip, const float *bias, int activation, float *out, size_t ldo, size_t mr, size_t nr) {
    float acc[MR][NR] = {{0}};
    for (size_t t = 0; t < taps; t++) {
        const float *a[MR];
        for (size_t m = 0; m < MR; m++) a[m] = direct ? ind[t] + m * step : ind[t * MR + m];
        for (size_t c = 0; c < in_c; c++, w += NR)
            for (size_t m = 0; m < MR; m++)
                for (size_t n = 0; n < NR; n++) acc[m][n] = fmaf(a[m][c], w[n], acc[m][n]);
        w += wskip * NR;
    }
    int finite = 1;
    for (size_t m = 0; m < MR; m++)
        for (size_t n = 0; n < NR; n++) finite &= isfinite(acc[m][n]) != 0;
    for (size_t m = 0; m < mr && m < MR; m++, out += ldo)
        for (size_t n = 0; n < nr && n < NR; n++) {
            const float b = bias ? bias[n] : 0;
            const float slope = activation == TS_ACTIVATION_PRELU && bias ? bias[NR + n] : 0;
            out[n] = activate(acc[m][n] + b, slope, activation);
        }
    return finite;
}

static int ukernel(size_t taps, size_t in_c, const float *const *ind, const float *w, size_t wskip, const float *bias,
                   int activation, int stream, float *out, size_t ldo, size_t mr, size_t nr) {
    (void)stream;
    return kernel(taps, in_c, ind, 0, 0, w, wskip, bias, activation, out, ldo, mr, nr);
}

static int dkernel(size_t taps, size_t in_c, const float *const *rows, size_t step, const float *w, size_t wskip,
                   const float *bias, int activation, int stream, float *out, size_t ldo, size_t nr) {
    (void)stream;
    return kernel(taps, in_c, rows, step, 1, w, wskip, bias, activation, out, ldo, MR, nr);
}

// ts_dwconv_avx512's sums: taps in three interleaved accumulators, added (a + b) + c.
static int dwkernel(size_t channels, size_t pixels, size_t taps, const float *const *ind, const float *w,
                    const float *bias, int activation, float *out) {
    const size_t blocks = (channels + NR - 1) / NR;
    const size_t bias_stride = activation == TS_ACTIVATION_PRELU ? 2 * NR : NR;
    int finite = 1;
    for (size_t p = 0; p < pixels; p++, ind += taps)
        for (size_t b = 0; b < blocks; b++) {
            const size_t c = b * NR, valid = channels - c < NR ? channels - c : NR;
            for (size_t n = 0; n < NR; n++) {
                const float *wb = w + b * taps * NR + n;
                float sum[3] = {0, 0, 0};
                for (size_t t = 0; t < taps; t++) {
                    const float x = n < valid ? ind[t][c + n] : 0;
                    const size_t which = t < taps / 3 * 3 ? t % 3 : 0;
                    sum[which] = fmaf(x, wb[t * NR], sum[which]);
                }
                float v = (sum[0] + sum[1]) + sum[2];
                finite &= isfinite(v) != 0;
                float slope = 0;
                if (bias) {
                    v += bias[b * bias_stride + n];
                    if (activation == TS_ACTIVATION_PRELU) slope = bias[b * bias_stride + NR + n];
                }
                if (n < valid) out[p * channels + c + n] = activate(v, slope, activation);
            }
        }
    return finite;
}

static float peak(size_t iterations) {
    float acc[16] = {0};
    for (size_t i = 0; i < iterations; i++)
        for (int k = 0; k < 16; k++) acc[k] = fmaf(acc[k], 0.999999f, 1e-7f);
    float sum = 0;
    for (int k = 0; k < 16; k++) sum += acc[k];
    return sum;
}

const ts_isa_row ts_emulated_avx512_row = {
    .isa = TS_ISA_AVX512, .mr = MR, .nr = NR,
    .ukernel = ukernel, .dkernel = dkernel, .dwkernel = dwkernel,
    .pkernel = ts_planar_8_avx2,  // the AVX-512 row's own: the AVX2 kernel, which this CPU runs
    .stream_tile = ts_x86_stream_tile, .fence = ts_x86_fence,  // SSE: any x86-64
    .peak = peak, .peak_flops_per_iteration = 16 * 2,
};
#endif
