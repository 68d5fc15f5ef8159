// Direct NHWC convolution micro-kernels (indirect GEMM, as XNNPACK's f32 igemm), one variant
// per instruction set behind one table (isa_table.c), chosen at run time. Called from
// TensorScopeKernels (IndirectGEMM, PackedFilter, PeakFLOPS, BLASCoreSelection).
#ifndef TS_CONV_KERNELS_H
#define TS_CONV_KERNELS_H

#include <stddef.h>

#ifdef __cplusplus
extern "C" {
#endif

/// Instruction sets a kernel is written for.
enum ts_isa {
    TS_ISA_NONE = 0,
    TS_ISA_AVX2 = 1,    // AVX2 + FMA: 6 pixels x 16 channels per micro-kernel call
    TS_ISA_AVX512 = 2,  // AVX-512F:   8 pixels x 32 channels per micro-kernel call
    TS_ISA_COUNT
};

/// Whether this CPU (and OS) runs `isa`'s kernels (detected once per process).
int ts_isa_supported(int isa);

/// 1 when this build compiled the AVX-512 kernels' source for AVX2 through SIMDe
/// (-DTS_AVX512_VIA_SIMDE, scripts/test-avx512-source), so they run on a CPU without AVX-512.
int ts_avx512_via_simde(void);

/// The x86 vector features this CPU and OS run, space-separated, as /proc/cpuinfo names them
/// (`avx avx2 fma avx512f …`); empty elsewhere. Read once.
const char *ts_cpu_flags(void);

/// One iteration of a spin-wait: x86's `pause` (a hint that frees the core's resources for its
/// sibling and saves power while the loop waits), nothing elsewhere.
static inline void ts_cpu_relax(void) {
#if defined(__x86_64__) || defined(__i386__)
    __builtin_ia32_pause();
#endif
}

/// What the kernels apply after the bias (TensorScope's `Activation`).
enum ts_activation {
    TS_ACTIVATION_NONE = 0,
    TS_ACTIVATION_RELU = 1,   // max(v, 0)
    TS_ACTIVATION_RELU6 = 2,  // min(max(v, 0), 6)
    TS_ACTIVATION_PRELU = 3,  // max(v, 0) + slope[n] * min(v, 0): PReLU, and leaky ReLU with every slope
                              // alpha; packed_bias then holds, per block of NR channels, NR biases
                              // followed by NR slopes
    TS_ACTIVATION_ELU = 4,    // v < 0 ? exp(v) - 1 : v, applied by the driver to each finished tile
                              // (never with stream)
};

/// Output pixels (MR) and output channels (NR) one micro-kernel call computes; 0 for an
/// instruction set this CPU does not run.
size_t ts_igemm_mr(int isa);
size_t ts_igemm_nr(int isa);

/// Everything a convolution call needs; sizes as in Conv2DGeometry.
typedef struct {
    const float *input;          // [batch, in_h, in_w, in_c]
    const float *zero;           // zero_count zeros: where a read falls in the padding
    size_t zero_count;           // at least kernel_w * in_c; runs of whole tiles read one kernel
                                 // row of zeros for MR pixels only when ts_igemm_zero_count fits
    const float *packed_weights; // ts_igemm_pack_weights' layout
    const float *packed_bias;    // [n_blocks * NR], zero-padded; NULL for none; for
                                 // TS_ACTIVATION_PRELU [n_blocks][NR biases, NR slopes]
    float *output;               // [batch, out_h, out_w, out_c]
    size_t batch, in_h, in_w, in_c;
    size_t kernel_h, kernel_w, out_c;
    size_t stride_h, stride_w, dilation_h, dilation_w;
    size_t out_h, out_w;
    ptrdiff_t pad_top, pad_left;
    int activation;              // enum ts_activation
    int check_finite;            // 0: ts_igemm_run reports every result finite without looking
    int stream;                  // 1: write the output with non-temporal stores (for an output
                                 // much larger than the cache, which is not read back soon)
    // Max pooling after the activation, in non-overlapping windows of pool_h x pool_w pixels
    // (stride = window), taken in batch-major convolutions only (ts_igemm_pools): output is then
    // [batch, pooled_h, pooled_w, out_c], pooled pixel (i, j) the maximum of the convolution's
    // pixels [i * pool_h - pool_top, + pool_h) x [j * pool_w - pool_left, + pool_w) inside its
    // map, as TensorFlow's MaxPool takes it (from the lowest finite float, a cell only when
    // greater: NaN never wins). pool_h = 0: none.
    size_t pool_h, pool_w, pooled_h, pooled_w;
    ptrdiff_t pool_top, pool_left;
} ts_conv_params;

/// Floats of zeros a run of MR pixels reads where its kernel row is in the padding,
/// ((MR - 1) * stride_w + kernel_w) * in_c; SIZE_MAX when that overflows.
size_t ts_igemm_zero_count(int isa, size_t kernel_w, size_t stride_w, size_t in_c);

/// Depthwise convolution (channel multiplier 1) of `pixels` output pixels, `channels` floats
/// each, stored one after another at `out`: pixel p reads tap t at ind[p * taps + t] (an input
/// pixel's first channel, or zeros for padding — at least `channels` floats). `w` is the
/// [kh, kw, channels, 1] filter packed by ts_igemm_pack_weights as [kh, kw, 1, channels];
/// `bias` as ts_conv_params' packed_bias (NULL for none); `activation` any but ELU. Returns 1
/// when every sum was finite, 0 otherwise or when the CPU does not run `isa`.
int ts_dwconv_run(int isa, size_t channels, size_t pixels, size_t taps, const float *const *ind, const float *w,
                  const float *bias, int activation, float *out);

/// Max pooling of one output row of an NHWC image, with AVX2 (only on a CPU that has it):
/// `top` is the window's first input row inside the image, `rows` the window's rows inside it;
/// output pixel j takes the columns [j * stride_w - pad_left, + kernel_w) inside [0, in_w),
/// at least one. Writes out_w * channels floats at `out`.
void ts_max_pool_row_avx2(const float *top, size_t rows, size_t in_w, size_t channels, size_t out_w, size_t kernel_w,
                          size_t stride_w, size_t pad_left, float *out);

/// Floats the packed weights take: ceil(out_c / NR) blocks of [kh * kw][in_c][NR].
size_t ts_igemm_packed_count(int isa, size_t kernel_h, size_t kernel_w, size_t in_c, size_t out_c);

/// Packs an HWIO filter into blocks of NR output channels, zero-padded past out_c.
void ts_igemm_pack_weights(int isa, const float *hwio, size_t kernel_h, size_t kernel_w, size_t in_c,
                           size_t out_c, float *packed);

/// The largest kh * kw the kernels take (their indirection buffer lives on the stack).
#define TS_IGEMM_MAX_TAPS 64

/// Images per batch-major group for this convolution (MR), or 0 when it is computed pixel by
/// pixel. With small maps (at most 256 output pixels, MR images zero-padded fitting in 32 KiB,
/// dilation_w 1) and at least MR images, ts_igemm_run computes each tile from one output pixel
/// of MR images, which share their padding: the kernel rows in it are skipped, not multiplied by
/// zeros. It does so for ranges of whole images; callers give it ranges of whole groups (the
/// last may be short) so every tile is full.
size_t ts_igemm_batch_group(int isa, const ts_conv_params *p);
/// Whether ts_igemm_run pools as p asks (pool_h > 0): the convolution is batch-major and MR
/// pixels of out_c channels fit the driver's tile buffer.
int ts_igemm_pools(int isa, const ts_conv_params *p);
/// Computes output pixels [first, first + count) (numbered b * out_h * out_w + i * out_w + j), all
/// channels: convolution, then (while in registers) the finiteness check, bias and activation.
/// Returns 1 when every convolution result was finite (checked before bias and activation) or
/// check_finite is 0, else 0.
int ts_igemm_run(int isa, const ts_conv_params *p, size_t first, size_t count);

/// The most input and output channels the planar kernels take (planar_run.c).
#define TS_PLANAR_MAX_IN 4
#define TS_PLANAR_MAX_OUT 12
/// The largest kh * kw the planar kernels take (as the indirect GEMM's, so its copy of a band,
/// at most (8 + kh - 1) rows, stays small beside the image).
#define TS_PLANAR_MAX_TAPS 64

/// Whether ts_planar_run computes p on a CPU running `isa`: stride 1, dilation 1, at most
/// TS_PLANAR_MAX_IN channels in, TS_PLANAR_MAX_OUT out and TS_PLANAR_MAX_TAPS taps, padding
/// (top, left) not negative, no pooling. Planar: the lanes of a vector are 8 neighbouring output pixels of one
/// channel, read from a planar copy of the input, so a layer of few channels fills them all.
int ts_planar_supports(int isa, const ts_conv_params *p);
/// Floats of the scratch ts_planar_run takes for a band of `rows` output rows: min(rows + kh -
/// 1, in_h) * in_c * (ceil(out_w / 8) * 8 + kw - 1); SIZE_MAX when that overflows.
size_t ts_planar_band_floats(const ts_conv_params *p, size_t rows);
/// Computes output rows [first_row, first_row + rows) of image b, every column and channel, with
/// `band` (ts_planar_band_floats(p, rows) floats) as scratch: the convolution, then the
/// finiteness check, bias and activation as ts_igemm_run, but with packed_weights the HWIO
/// filter itself and packed_bias out_c biases, then for TS_ACTIVATION_PRELU out_c slopes (NULL:
/// no bias, and no activation needing slopes). stream is ignored. Returns 1 when every sum was
/// finite or check_finite is 0, else 0.
int ts_planar_run(int isa, const ts_conv_params *p, float *band, size_t b, size_t first_row, size_t rows);

/// The most input or output channels the Winograd kernels take (their zeros for padding are
/// static; a worker's block of transformed values stays within 12.9 MB: 49 values per channel,
/// 8 tiles, 4096 + 4096 channels).
#define TS_WINOGRAD_MAX_CHANNELS 4096

/// Winograd F(4 x 4, 3 x 3) for stride-1, undilated 3 x 3 convolutions (winograd_f43.c), on
/// the igemm micro-kernels of `isa`, in rounds the caller spreads over its workers. Tiles of
/// 4 x 4 output pixels are numbered (b * ceil(out_h / 4) + tile row) * ceil(out_w / 4) + tile
/// column; a round is `round_count` consecutive tiles from `round_first`, its transformed
/// inputs V [36][round_count][in_c rounded up to 8] and products M [36][round_count][out_c
/// rounded up to 16] in the caller's scratch, M 64-byte aligned (so each row is whole cache
/// lines, and workers writing neighbouring blocks of a row do not share one). 0 floats /
/// nothing where the CPU does not run it.
/// Floats of V and of M per tile of a round (on any CPU).
void ts_winograd_f43_tile_floats(size_t in_c, size_t out_c, size_t *v, size_t *m);
/// Floats of the transformed filter: [36][ceil(out_c / NR)][in_c][NR].
size_t ts_winograd_f43_packed_count(int isa, size_t in_c, size_t out_c);
/// Transforms the input channels [first_c, end_c) of the [3, 3, in_c, out_c] HWIO filter into
/// that layout (in double, rounded once); ranges may be done in parallel.
void ts_winograd_f43_pack_filter(int isa, const float *hwio, size_t in_c, size_t out_c, size_t first_c, size_t end_c,
                                 float *u);
/// Transforms the input patches of the round's tiles [first, first + count) into V (in_c at
/// most TS_WINOGRAD_MAX_CHANNELS).
void ts_winograd_f43_input(int isa, const ts_conv_params *p, float *v, size_t round_first, size_t round_count,
                           size_t first, size_t count);
/// Items of the products pass: 36 * ceil(out_c / NR).
size_t ts_winograd_f43_product_items(int isa, size_t out_c);
/// One item of the products: M[xi] = V[xi] U[xi] for one xi and one block of NR output
/// channels, every tile of the round.
void ts_winograd_f43_products(int isa, const ts_conv_params *p, const float *u, const float *v, float *m,
                              size_t round_count, size_t item);
/// Transforms the products of the round's tiles [first, first + count) back into p's output
/// with `bias` ([out_c] or NULL) and p->activation (PReLU's and leaky ReLU's slopes in
/// `slopes`, [out_c]). Returns as ts_igemm_run.
int ts_winograd_f43_output(int isa, const ts_conv_params *p, const float *bias, const float *slopes, const float *m,
                           size_t round_first, size_t round_count, size_t first, size_t count);

/// Winograd for stride-1, undilated 5 x 5 convolutions (winograd_5x5.c), on the igemm
/// micro-kernels of `isa`, in output tiles of `tile` x `tile` pixels: 2 for F(2 x 2, 5 x 5) (6 x 6
/// input patches), 3 for F(3 x 3, 5 x 5) (7 x 7). 0 floats / nothing where the CPU does not run
/// it, or for another tile.
/// Floats of the transformed filter: [a a][ceil(out_c / NR)][in_c][NR], a the patch's side.
size_t ts_winograd_5x5_packed_count(int isa, size_t tile, size_t in_c, size_t out_c);
/// Transforms the input channels [first_c, end_c) of the [5, 5, in_c, out_c] HWIO filter into
/// that layout (in double, rounded once); ranges may be done in parallel.
void ts_winograd_5x5_pack_filter(int isa, size_t tile, const float *hwio, size_t in_c, size_t out_c, size_t first_c,
                                 size_t end_c, float *u);
/// Floats of scratch one ts_winograd_5x5_run call needs (one per worker).
size_t ts_winograd_5x5_scratch_count(int isa, size_t tile, size_t in_c, size_t out_c);
/// Computes the output rows of tiles [first_row, first_row + rows) (numbered
/// b * ceil(out_h / tile) + tile row) of the convolution p describes (kernel 5 x 5, stride 1,
/// in_c at most TS_WINOGRAD_MAX_CHANNELS; packed_weights and packed_bias unused) with the
/// transformed filter u, then `bias` ([out_c] or NULL) and p->activation (PReLU's and leaky
/// ReLU's slopes in `slopes`, [out_c]). Returns as ts_igemm_run.
int ts_winograd_5x5_run(int isa, size_t tile, const ts_conv_params *p, const float *u, const float *bias,
                        const float *slopes, float *scratch, size_t first_row, size_t rows);
/// Runs `iterations` of a register-only FMA loop with `isa`'s widest vectors and returns a
/// value that depends on every FMA (so none is optimised away); each iteration is
/// ts_fma_peak_flops_per_iteration(isa) floating-point operations. For the benchmark's peak.
float ts_fma_peak(int isa, size_t iterations);
size_t ts_fma_peak_flops_per_iteration(int isa);

#ifdef __cplusplus
}
#endif

#endif
