// fusion-probe: would computing my_image_filter's conv1 -> conv2 in row bands (conv1's output
// never leaving the cache) beat running them layer by layer? Times the two 5 x 5 layers of
// image-filter-224 ([8, 224, 224, 3] -> 32 -> 32 channels, SAME, bias, ReLU) with TensorScope's
// own kernels (CConvKernels) three ways, on two threads, each thread taking half the batch:
//
//   layers  conv1 over the thread's images (25.7 MB out, streamed to memory), then conv2 —
//           what TensorScope does;
//   images  image by image: conv1's 6.4 MB output stays in the L3 cache for conv2;
//   bands   rows of 8 at a time: conv1 writes 8 new rows into a 12-row buffer (344 KB, L2),
//           conv2 reads the 8 + 4 halo rows from it, the last 4 rows slide to the front.
//
// Prints milliseconds and GFLOP/s (best of 5 per round, 3 rounds), and checks that the three
// outputs agree. Usage: fusion-probe [avx2|avx512]. docs/ENGINE.md records what it printed.
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "CConvKernels.h"

enum { B = 8, H = 224, W = 224, C0 = 3, C = 32, K = 5, R = 8, WORKERS = 2 };
enum { LAYERS, IMAGES, BANDS, MODES };
static const char *mode_names[MODES] = {"layers", "images", "bands"};

static int isa = TS_ISA_AVX512;
static float *input, *middle, *outputs[MODES], *image_scratch[WORKERS], *band_scratch[WORKERS];
static float *packed1, *packed2, *bias1, *bias2, *zero;
static size_t zero_count;
static int mode;

static double now(void) {
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return t.tv_sec + t.tv_nsec * 1e-9;
}

// stream: the output is written with non-temporal stores, as TensorScope does for outputs of
// 16 MiB and more; the scratch that should stay in the cache is not.
static ts_conv_params conv(const float *in, size_t in_c, const float *weights, const float *bias, float *out,
                           size_t batch, size_t in_h, size_t out_h, ptrdiff_t pad_top, int stream) {
    ts_conv_params p = {.input = in, .zero = zero, .zero_count = zero_count, .packed_weights = weights,
                        .packed_bias = bias, .output = out, .batch = batch, .in_h = in_h, .in_w = W, .in_c = in_c,
                        .kernel_h = K, .kernel_w = K, .out_c = C, .stride_h = 1, .stride_w = 1, .dilation_h = 1,
                        .dilation_w = 1, .out_h = out_h, .out_w = W, .pad_top = pad_top, .pad_left = K / 2, .activation = TS_ACTIVATION_RELU, .check_finite = 1,
                        .stream = stream};
    return p;
}

static void *work(void *arg) {
    const size_t worker = (size_t)arg, first = worker * B / WORKERS, count = B / WORKERS;
    const size_t image_in = H * W * C0, image_out = H * W * C, row = W * C;
    float *out = outputs[mode];
    if (mode == LAYERS) {
        ts_conv_params a = conv(input + first * image_in, C0, packed1, bias1, middle + first * image_out, count, H, H, K / 2, 1);
        ts_igemm_run(isa, &a, 0, count * H * W);
        ts_conv_params b = conv(middle + first * image_out, C, packed2, bias2, out + first * image_out, count, H, H, K / 2, 1);
        ts_igemm_run(isa, &b, 0, count * H * W);
    } else if (mode == IMAGES) {
        for (size_t n = first; n < first + count; n++) {
            ts_conv_params a = conv(input + n * image_in, C0, packed1, bias1, image_scratch[worker], 1, H, H, K / 2, 0);
            ts_igemm_run(isa, &a, 0, H * W);
            ts_conv_params b = conv(image_scratch[worker], C, packed2, bias2, out + n * image_out, 1, H, H, K / 2, 1);
            ts_igemm_run(isa, &b, 0, H * W);
        }
    } else {
        // band holds conv1 rows [r - 2, r + R + 2) for conv2's output rows [r, r + R).
        float *band = band_scratch[worker];
        for (size_t n = first; n < first + count; n++) {
            memset(band, 0, (R + K - 1) * row * sizeof(float));  // rows -2 and -1: padding
            // conv1 rows 0 and 1 into band rows 2 and 3.
            ts_conv_params head = conv(input + n * image_in, C0, packed1, bias1, band + 2 * row, 1, H, 2, K / 2, 0);
            ts_igemm_run(isa, &head, 0, 2 * W);
            for (size_t r = 0; r < H; r += R) {
                // conv1 rows [r + 2, r + R + 2) (those inside the image) into band rows [4, R + 4).
                const size_t new_first = r + 2, new_end = r + R + 2 < H ? r + R + 2 : H;
                // (A negative top padding starts the call's output at row new_first.)
                if (new_end > new_first) {
                    ts_conv_params a = conv(input + n * image_in, C0, packed1, bias1, band + 4 * row, 1, H,
                                            new_end - new_first, (ptrdiff_t)(K / 2) - (ptrdiff_t)new_first, 0);
                    ts_igemm_run(isa, &a, 0, (new_end - new_first) * W);
                }
                if (new_end < r + R + 2) memset(band + (4 + new_end - new_first) * row, 0, (r + R + 2 - new_end) * row * sizeof(float));
                // conv2 output rows [r, r + R) from band rows [0, R + 4): VALID vertically.
                ts_conv_params b = conv(band, C, packed2, bias2, out + n * image_out + r * row, 1, R + K - 1, R, 0, 1);
                ts_igemm_run(isa, &b, 0, R * W);
                memmove(band, band + R * row, (K - 1) * row * sizeof(float));
            }
        }
    }
    return 0;
}

static float *floats(size_t count, unsigned seed, float scale) {
    float *p = aligned_alloc(64, (count * sizeof(float) + 63) / 64 * 64);
    for (size_t i = 0; i < count; i++) p[i] = scale * ((float)((i * 2654435761u + seed) % 2001) / 1000.0f - 1.0f);
    return p;
}

int main(int argc, char **argv) {
    if (argc > 1) isa = strcmp(argv[1], "avx2") == 0 ? TS_ISA_AVX2 : TS_ISA_AVX512;
    if (!ts_isa_supported(isa)) {
        fprintf(stderr, "fusion-probe: this CPU lacks %s\n", isa == TS_ISA_AVX2 ? "avx2+fma" : "avx512f");
        return 1;
    }
    input = floats((size_t)B * H * W * C0, 1, 1.0f);
    float *w1 = floats(K * K * C0 * C, 2, 0.2f), *w2 = floats(K * K * C * C, 3, 0.05f);
    bias1 = floats(64, 4, 0.1f);
    bias2 = floats(64, 5, 0.1f);
    packed1 = malloc(ts_igemm_packed_count(isa, K, K, C0, C) * sizeof(float));
    packed2 = malloc(ts_igemm_packed_count(isa, K, K, C, C) * sizeof(float));
    ts_igemm_pack_weights(isa, w1, K, K, C0, C, packed1);
    ts_igemm_pack_weights(isa, w2, K, K, C, C, packed2);
    zero_count = ts_igemm_zero_count(isa, K, 1, C);
    zero = calloc(zero_count, sizeof(float));
    const size_t total = (size_t)B * H * W * C;
    middle = floats(total, 0, 0);
    for (int m = 0; m < MODES; m++) outputs[m] = floats(total, 0, 0);
    for (int w = 0; w < WORKERS; w++) {
        image_scratch[w] = floats((size_t)H * W * C, 0, 0);
        band_scratch[w] = floats((size_t)(R + K - 1) * W * C, 0, 0);
    }
    const double flops = 2.0 * B * H * W * C * K * K * (C0 + C);
    for (int round = 0; round < 3; round++) {
        for (mode = 0; mode < MODES; mode++) {
            double best = 1e9;
            for (int r = 0; r < 5; r++) {
                pthread_t threads[WORKERS];
                const double start = now();
                for (size_t w = 0; w < WORKERS; w++) pthread_create(&threads[w], 0, work, (void *)w);
                for (int w = 0; w < WORKERS; w++) pthread_join(threads[w], 0);
                const double t = now() - start;
                if (t < best) best = t;
            }
            printf("%-7s %8.2f ms  %6.1f GFLOP/s\n", mode_names[mode], best * 1e3, flops / best / 1e9);
        }
    }
    float worst = 0;
    for (size_t i = 0; i < total; i++) {
        for (int m = 1; m < MODES; m++) {
            const float d = outputs[m][i] - outputs[LAYERS][i];
            if (d > worst || -d > worst) worst = d > 0 ? d : -d;
        }
    }
    printf("largest difference between the three outputs: %g\n", worst);
    return worst == 0 ? 0 : 2;
}
