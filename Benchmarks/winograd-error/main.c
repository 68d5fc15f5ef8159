// Prints the largest error of each Winograd variant and of the indirect GEMM against a float64
// sum from the definition, as a fraction of the output's largest magnitude (the tests'
// measure): [2, 14, 14, C] * [r, r, C, 64] SAME, random values in [-1, 1), C from 3 to 256.
// The tables in docs/ENGINE.md ("Winograd") come from it:
//     swift run -c release winograd-error [avx2|avx512]
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "CConvKernels.h"

static unsigned long long state = 88172645463325252ull;

static float uniform(void) {  // xorshift64, [-1, 1)
    state ^= state << 13, state ^= state >> 7, state ^= state << 17;
    return (float)((state >> 11) * (1.0 / 9007199254740992.0)) * 2 - 1;
}

// Largest |y - exact| and |exact| over the output.
static void measure(const float *x, const float *w, const float *y, size_t n, size_t h, size_t c, size_t k, size_t r,
                    double *error, double *scale) {
    const long pad = (long)r / 2;
    *error = 0, *scale = 0;
    for (size_t b = 0; b < n; b++)
        for (size_t i = 0; i < h; i++)
            for (size_t j = 0; j < h; j++)
                for (size_t o = 0; o < k; o++) {
                    double sum = 0;
                    for (size_t dy = 0; dy < r; dy++)
                        for (size_t dx = 0; dx < r; dx++) {
                            const long yy = (long)(i + dy) - pad, xx = (long)(j + dx) - pad;
                            if (yy < 0 || xx < 0 || yy >= (long)h || xx >= (long)h) continue;
                            for (size_t ci = 0; ci < c; ci++)
                                sum += (double)x[((b * h + (size_t)yy) * h + (size_t)xx) * c + ci] *
                                       w[((dy * r + dx) * c + ci) * k + o];
                        }
                    const double got = y[((b * h + i) * h + j) * k + o];
                    if (fabs(got - sum) > *error) *error = fabs(got - sum);
                    if (fabs(sum) > *scale) *scale = fabs(sum);
                }
}

int main(int argc, char **argv) {
    const int isa = argc > 1 && strcmp(argv[1], "avx2") == 0     ? TS_ISA_AVX2
                    : argc > 1 && strcmp(argv[1], "avx512") == 0 ? TS_ISA_AVX512
                    : ts_isa_supported(TS_ISA_AVX512)            ? TS_ISA_AVX512
                                                                 : TS_ISA_AVX2;
    if (!ts_isa_supported(isa)) {
        fprintf(stderr, "winograd-error: this CPU does not run the %s kernels\n", isa == TS_ISA_AVX2 ? "AVX2" : "AVX-512");
        return 1;
    }
    printf("%s; [2, 14, 14, C] * [r, r, C, 64] SAME; error as a fraction of the output's scale\n",
           isa == TS_ISA_AVX2 ? "AVX2" : "AVX-512");
    printf("| variant | C | indirect GEMM | Winograd |\n|---|---|---|---|\n");
    const size_t n = 2, h = 14, k = 64;
    const size_t channels[] = {3, 16, 32, 64, 256};
    // F(tile x tile, r x r): F(4 x 4, 3 x 3), F(2 x 2, 5 x 5), F(3 x 3, 5 x 5).
    const size_t variants[][2] = {{4, 3}, {2, 5}, {3, 5}};
    for (size_t vi = 0; vi < sizeof variants / sizeof variants[0]; vi++)
        for (size_t ci = 0; ci < sizeof channels / sizeof channels[0]; ci++) {
            const size_t tile = variants[vi][0], r = variants[vi][1];
            const size_t c = channels[ci];
            float *x = malloc(n * h * h * c * 4), *w = malloc(r * r * c * k * 4);
            float *y = malloc(n * h * h * k * 4), *direct = malloc(n * h * h * k * 4);
            for (size_t i = 0; i < n * h * h * c; i++) x[i] = uniform();
            for (size_t i = 0; i < r * r * c * k; i++) w[i] = uniform();
            ts_conv_params p = {.input = x, .output = y, .batch = n, .in_h = h, .in_w = h, .in_c = c, .kernel_h = r,
                                .kernel_w = r, .out_c = k, .stride_h = 1, .stride_w = 1, .dilation_h = 1,
                                .dilation_w = 1, .out_h = h, .out_w = h, .pad_top = (ptrdiff_t)r / 2,
                                .pad_left = (ptrdiff_t)r / 2};
            // The indirect GEMM.
            const size_t zeros = 1 << 16;
            float *zero = calloc(zeros, 4), *packed = malloc(ts_igemm_packed_count(isa, r, r, c, k) * 4);
            ts_igemm_pack_weights(isa, w, r, r, c, k, packed);
            ts_conv_params q = p;
            q.output = direct, q.zero = zero, q.zero_count = zeros, q.packed_weights = packed;
            for (size_t first = 0; first < n * h * h; first += 96)
                ts_igemm_run(isa, &q, first, n * h * h - first < 96 ? n * h * h - first : 96);
            // Winograd: F(4 x 4, 3 x 3) in one round of every tile, the 5 x 5 variants row by row.
            float *u;
            if (r == 3) {
                const size_t tiles = n * ((h + 3) / 4) * ((h + 3) / 4);
                u = malloc(ts_winograd_f43_packed_count(isa, c, k) * 4);
                ts_winograd_f43_pack_filter(isa, w, c, k, 0, c, u);
                size_t v_floats, m_floats;
                ts_winograd_f43_tile_floats(c, k, &v_floats, &m_floats);
                float *v = malloc(tiles * v_floats * 4), *m = aligned_alloc(64, (tiles * m_floats * 4 + 63) / 64 * 64);
                ts_winograd_f43_input(isa, &p, v, 0, tiles, 0, tiles);
                for (size_t item = 0; item < ts_winograd_f43_product_items(isa, k); item++)
                    ts_winograd_f43_products(isa, &p, u, v, m, tiles, item);
                ts_winograd_f43_output(isa, &p, 0, 0, m, 0, tiles, 0, tiles);
                free(v), free(m);
            } else {
                u = malloc(ts_winograd_5x5_packed_count(isa, tile, c, k) * 4);
                ts_winograd_5x5_pack_filter(isa, tile, w, c, k, 0, c, u);
                float *scratch = malloc(ts_winograd_5x5_scratch_count(isa, tile, c, k) * 4);
                ts_winograd_5x5_run(isa, tile, &p, u, 0, 0, scratch, 0, n * ((h + tile - 1) / tile));
                free(scratch);
            }
            double error, scale, direct_error;
            measure(x, w, direct, n, h, c, k, r, &direct_error, &scale);
            measure(x, w, y, n, h, c, k, r, &error, &scale);
            printf("| F(%zu x %zu, %zu x %zu) | %zu | %.1e | %.1e |\n", tile, tile, r, r, c, direct_error / scale,
                   error / scale);
            fflush(stdout);
            free(x), free(w), free(y), free(direct), free(zero), free(packed), free(u);
        }
    return 0;
}
