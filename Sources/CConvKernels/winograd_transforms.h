// The Winograd transforms for one instruction set, written once over a vector of TS_W floats:
// included by winograd.c once per row of the transforms' table, with
//   TS_W                 lanes per vector (8 or 16; a multiple of 8)
//   TS_W_VEC             a vector type of TS_W floats, aligned(4) (loads and stores unaligned)
//   TS_W_TARGET          the target attribute its functions are compiled for
//   TS_W_NAME(x)         x with the variant's suffix
//   TS_W_ACTIVATE        the variant's activation, (vector, slopes, ts_activation) -> vector,
//                        as its micro-kernels' store applies it
//   TS_W_MR              the row's igemm MR: tiles per block of products (NR is 2 TS_W)
// and defines the variant's table, `const ts_winograd_transforms TS_W_NAME(transforms)`.
// No include guard: it is meant to be included more than once.

#define VEC TS_W_VEC

// TS_W floats from p (lanes past `lanes` zero).
__attribute__((target(TS_W_TARGET), always_inline)) static inline VEC TS_W_NAME(load)(const float *p, size_t lanes) {
    if (lanes == TS_W) return *(const VEC *)p;
    VEC v = {0};
    for (size_t l = 0; l < lanes; l++) v[l] = p[l];
    return v;
}

// Stores v's first `lanes` floats rounded up to a multiple of 8 (the transformed inputs' rows
// are padded to 8 channels, whatever the vector).
__attribute__((target(TS_W_TARGET), always_inline)) static inline void TS_W_NAME(store_padded)(float *p, VEC v,
                                                                                            size_t lanes) {
    if (lanes == TS_W) {
        *(VEC *)p = v;
        return;
    }
    for (size_t l = 0; l < (lanes + 7) / 8 * 8; l++) p[l] = v[l];
}

// (B^T d)[0 .. a) of the a points' column d: a = 6 for the points 0, 1, -1, 2, -2 (F(4 x 4,
// 3 x 3) and F(2 x 2, 5 x 5)), a = 7 with -1/2 as well (F(3 x 3, 5 x 5)).
__attribute__((target(TS_W_TARGET), always_inline)) static inline void TS_W_NAME(bt)(const size_t a, const VEC *d,
                                                                                  VEC *t) {
    if (a == 6) {
        t[0] = 4 * d[0] - 5 * d[2] + d[4];
        t[1] = -4 * d[1] - 4 * d[2] + d[3] + d[4];
        t[2] = 4 * d[1] - 4 * d[2] - d[3] + d[4];
        t[3] = -2 * d[1] - d[2] + 2 * d[3] + d[4];
        t[4] = 2 * d[1] - d[2] - 2 * d[3] + d[4];
        t[5] = 4 * d[1] - 5 * d[3] + d[5];
    } else {
        t[0] = 2 * d[0] + 4 * d[1] - 2.5f * d[2] - 5 * d[3] + 0.5f * d[4] + d[5];
        t[1] = -2 * d[1] - 6 * d[2] - 3.5f * d[3] + 1.5f * d[4] + d[5];
        t[2] = 2 * d[1] + 2 * d[2] - 4.5f * d[3] - 0.5f * d[4] + d[5];
        t[3] = -d[1] - 2.5f * d[2] + 2.5f * d[4] + d[5];
        t[4] = d[1] + 1.5f * d[2] - 2 * d[3] - 1.5f * d[4] + d[5];
        t[5] = 4 * d[1] - 5 * d[3] + d[5];
        t[6] = 2 * d[1] + 4 * d[2] - 2.5f * d[3] - 5 * d[4] + 0.5f * d[5] + d[6];
    }
}

// The input transform's second pass, (B^T d) B, of `count` tiles from the first pass's columns
// `t`, stored at v + xi * stride + tile * tile_stride. Inlined twice: with lanes = TS_W, so the
// stores are whole vectors without a test each (the test cost F(2 x 2, 5 x 5)'s input
// transform 30 % more instructions), and with a vector's tail.
__attribute__((target(TS_W_TARGET), always_inline)) static inline void
TS_W_NAME(second_pass)(const VEC (*t)[TS_WINOGRAD_MAX_POINTS], const size_t a, size_t count, const size_t step,
                       float *v, size_t stride, size_t tile_stride, const size_t lanes) {
    for (size_t tile = 0; tile < count; tile++) {
        float *const out = v + tile * tile_stride;
        const size_t x = step * tile;
        for (size_t i = 0; i < a; i++) {
            VEC row[TS_WINOGRAD_MAX_POINTS], bt[TS_WINOGRAD_MAX_POINTS];
            for (size_t j = 0; j < a; j++) row[j] = t[x + j][i];
            TS_W_NAME(bt)(a, row, bt);
            for (size_t j = 0; j < a; j++) TS_W_NAME(store_padded)(out + (i * a + j) * stride, bt[j], lanes);
        }
    }
}

// The input transform's first pass, B^T d, of `columns` columns from x0 of the a `rows`
// (NULL: a row outside the image), channels [ch, ch + lanes), into t. Inlined with constant
// lanes and `checked`: without it every column and row is inside and every load whole.
__attribute__((target(TS_W_TARGET), always_inline)) static inline void
TS_W_NAME(first_pass)(const ts_conv_params *p, const float *const *rows, const size_t a, ptrdiff_t x0, size_t columns,
                      size_t ch, const size_t lanes, const int checked, VEC (*t)[TS_WINOGRAD_MAX_POINTS]) {
    const size_t c = p->in_c;
    for (size_t x = 0; x < columns; x++) {
        const ptrdiff_t column = x0 + (ptrdiff_t)x;
        const int inside = !checked || (column >= 0 && column < (ptrdiff_t)p->in_w);
        VEC d[TS_WINOGRAD_MAX_POINTS];
        for (size_t r = 0; r < a; r++)
            d[r] = inside && (!checked || rows[r]) ? TS_W_NAME(load)(rows[r] + (size_t)column * c + ch, lanes)
                                                   : (VEC){0};
        TS_W_NAME(bt)(a, d, t[x]);
    }
}

// V[xi] = (B^T d B)[xi] of `count` (at most TS_WINOGRAD_ROW_TILES) tiles side by side along a
// tile row, `step` columns apart, each from an a x a patch (ts_winograd_transforms.input_2,
// input_3 and input_4). Inlined with constant a and step.
__attribute__((target(TS_W_TARGET), always_inline)) static inline void
TS_W_NAME(input)(const ts_conv_params *p, size_t b, ptrdiff_t y0, ptrdiff_t x0, size_t count, const size_t a,
                 const size_t step, float *v, size_t stride, size_t tile_stride) {
    const size_t c = p->in_c, columns = step * (count - 1) + a;
    if (count == 0 || count > TS_WINOGRAD_ROW_TILES || step > 4 || c > TS_WINOGRAD_MAX_CHANNELS) return;
    const float *rows[TS_WINOGRAD_MAX_POINTS];
    for (size_t r = 0; r < a; r++) {
        const ptrdiff_t y = y0 + (ptrdiff_t)r;
        rows[r] = y >= 0 && y < (ptrdiff_t)p->in_h ? p->input + (b * p->in_h + (size_t)y) * p->in_w * c : 0;
    }
    // Most patches lie inside the image: those read whole vectors without a test per load.
    const int interior = rows[0] && rows[a - 1] && x0 >= 0 && x0 + (ptrdiff_t)columns <= (ptrdiff_t)p->in_w;
    for (size_t ch = 0; ch < c; ch += TS_W) {
        const size_t lanes = c - ch < TS_W ? c - ch : TS_W;
        VEC t[4 * (TS_WINOGRAD_ROW_TILES - 1) + TS_WINOGRAD_MAX_POINTS][TS_WINOGRAD_MAX_POINTS];  // B^T d of each column
        if (interior && lanes == TS_W)
            TS_W_NAME(first_pass)(p, rows, a, x0, columns, ch, TS_W, 0, t);
        else
            TS_W_NAME(first_pass)(p, rows, a, x0, columns, ch, lanes, 1, t);
        if (lanes == TS_W)
            TS_W_NAME(second_pass)(t, a, count, step, v + ch, stride, tile_stride, TS_W);
        else
            TS_W_NAME(second_pass)(t, a, count, step, v + ch, stride, tile_stride, lanes);
    }
}

__attribute__((target(TS_W_TARGET))) static void TS_W_NAME(input_2)(const ts_conv_params *p, size_t b, ptrdiff_t y0,
                                                                    ptrdiff_t x0, size_t count, float *v, size_t stride,
                                                                    size_t tile_stride) {
    TS_W_NAME(input)(p, b, y0, x0, count, 6, 2, v, stride, tile_stride);
}

__attribute__((target(TS_W_TARGET))) static void TS_W_NAME(input_3)(const ts_conv_params *p, size_t b, ptrdiff_t y0,
                                                                    ptrdiff_t x0, size_t count, float *v, size_t stride,
                                                                    size_t tile_stride) {
    TS_W_NAME(input)(p, b, y0, x0, count, 7, 3, v, stride, tile_stride);
}

__attribute__((target(TS_W_TARGET))) static void TS_W_NAME(input_4)(const ts_conv_params *p, size_t b, ptrdiff_t y0,
                                                                    ptrdiff_t x0, size_t count, float *v, size_t stride,
                                                                    size_t tile_stride) {
    TS_W_NAME(input)(p, b, y0, x0, count, 6, 4, v, stride, tile_stride);
}

// The points of n x n output tiles: 7 for F(3 x 3, 5 x 5), 6 for the others.
#define TS_W_POINTS(n) ((n) == 3 ? 7 : 6)

// Row r of A^T applied to s[0 .. TS_W_POINTS(n)) for n x n output tiles: F(2 x 2, 5 x 5)'s rows
// (1, 1, 1, 1, 1, 0) and (0, 1, -1, 2, -2, 1); F(4 x 4, 3 x 3)'s (1, 1, 1, 1, 1, 0),
// (0, 1, -1, 2, -2, 0), (0, 1, 1, 4, 4, 0) and (0, 1, -1, 8, -8, 1); F(3 x 3, 5 x 5)'s
// (1, 1, 1, 1, 1, 1, 0), (0, 1, -1, 2, -2, -1/2, 0) and (0, 1, 1, 4, 4, 1/4, 1).
__attribute__((target(TS_W_TARGET), always_inline)) static inline VEC TS_W_NAME(at_row)(size_t n, size_t r,
                                                                                     const VEC *s) {
    if (n == 3) {
        switch (r) {
            case 0: return s[0] + s[1] + s[2] + s[3] + s[4] + s[5];
            case 1: return s[1] - s[2] + 2 * s[3] - 2 * s[4] - 0.5f * s[5];
            default: return s[1] + s[2] + 4 * s[3] + 4 * s[4] + 0.25f * s[5] + s[6];
        }
    }
    switch (r) {
        case 0: return s[0] + s[1] + s[2] + s[3] + s[4];
        case 1: return n == 2 ? s[1] - s[2] + 2 * s[3] - 2 * s[4] + s[5] : s[1] - s[2] + 2 * s[3] - 2 * s[4];
        case 2: return s[1] + s[2] + 4 * s[3] + 4 * s[4];
        default: return s[1] - s[2] + 8 * s[3] - 8 * s[4] + s[5];
    }
}

// Y = A^T M A of output channels [ko, ko + lanes) of the n x n tile at (b, oy, ox) (its
// products at m + xi * stride); each pixel inside the output stored with the bias and the
// activation as the micro-kernels apply them (ELU as their driver does). Returns sum * 0 summed
// over the pixels: NaN in a lane unless every sum was finite (checked before the bias, as the
// kernels check). Inlined with constant n, activation and, for whole vectors, lanes = TS_W, so
// the rows are fixed, no load or store tests its length (as the input transform's second pass)
// and no pixel branches on the activation.
__attribute__((target(TS_W_TARGET), always_inline)) static inline VEC
TS_W_NAME(output_block)(const ts_conv_params *p, const float *bias_in, const float *slopes, const float *m,
                        size_t stride, size_t b, size_t oy, size_t ox, const size_t n, size_t ko, const size_t lanes,
                        const int activation) {
    const size_t k = p->out_c;
    const VEC zero = {0};
    VEC check = zero;
    const size_t a = TS_W_POINTS(n);
    VEC t[4][TS_WINOGRAD_MAX_POINTS];  // A^T M
    for (size_t j = 0; j < a; j++) {
        VEC c[TS_WINOGRAD_MAX_POINTS];  // column j of M
        for (size_t i = 0; i < a; i++) c[i] = TS_W_NAME(load)(m + (i * a + j) * stride + ko, lanes);
        for (size_t r = 0; r < n; r++) t[r][j] = TS_W_NAME(at_row)(n, r, c);
    }
    const VEC bias = bias_in ? TS_W_NAME(load)(bias_in + ko, lanes) : zero;
    const VEC slope = slopes ? TS_W_NAME(load)(slopes + ko, lanes) : zero;
    // The rows and columns inside the output: all n but at its bottom and right edges.
    const size_t rows = p->out_h - oy < n ? p->out_h - oy : n, columns = p->out_w - ox < n ? p->out_w - ox : n;
    float *const first = p->output + ((b * p->out_h + oy) * p->out_w + ox) * k + ko;
    for (size_t i = 0; i < n; i++)
        for (size_t jx = 0; jx < n; jx++) {
            if (i >= rows || jx >= columns) continue;
            const VEC sum = TS_W_NAME(at_row)(n, jx, t[i]);
            check += sum * zero;
            VEC value = TS_W_ACTIVATE(sum + bias, slope, activation);
            if (activation == TS_ACTIVATION_ELU)
                for (size_t l = 0; l < TS_W; l++) value[l] = value[l] < 0 ? expf(value[l]) - 1.0f : value[l];
            float *out = first + (i * p->out_w + jx) * k;
            if (lanes == TS_W)
                *(VEC *)out = value;
            else
                for (size_t l = 0; l < lanes; l++) out[l] = value[l];
        }
    return check;
}

// Every output channel of the n x n tile at (b, oy, ox), with a constant activation. Returns 1
// when every sum was finite.
__attribute__((target(TS_W_TARGET), always_inline)) static inline int
TS_W_NAME(output_with)(const ts_conv_params *p, const float *bias, const float *slopes, const float *m, size_t stride,
                       size_t b, size_t oy, size_t ox, const size_t n, const int activation) {
    const size_t k = p->out_c, whole = k / TS_W * TS_W;
    VEC check = {0};
    for (size_t ko = 0; ko < whole; ko += TS_W)
        check += TS_W_NAME(output_block)(p, bias, slopes, m, stride, b, oy, ox, n, ko, TS_W, activation);
    if (whole < k)
        check += TS_W_NAME(output_block)(p, bias, slopes, m, stride, b, oy, ox, n, whole, k - whole, activation);
    int finite = 1;
    for (size_t l = 0; l < TS_W; l++) finite &= check[l] == 0;
    return finite;
}

__attribute__((target(TS_W_TARGET), always_inline)) static inline int
TS_W_NAME(output)(const ts_conv_params *p, const float *bias, const float *slopes, const float *m, size_t stride,
                  size_t b, size_t oy, size_t ox, const size_t n) {
    switch (p->activation) {
#define TS_W_ACTIVATION(a) \
    case a: return TS_W_NAME(output_with)(p, bias, slopes, m, stride, b, oy, ox, n, a);
        TS_W_ACTIVATION(TS_ACTIVATION_NONE)
        TS_W_ACTIVATION(TS_ACTIVATION_RELU)
        TS_W_ACTIVATION(TS_ACTIVATION_RELU6)
        TS_W_ACTIVATION(TS_ACTIVATION_PRELU)
        TS_W_ACTIVATION(TS_ACTIVATION_ELU)
#undef TS_W_ACTIVATION
        default: return TS_W_NAME(output_with)(p, bias, slopes, m, stride, b, oy, ox, n, TS_ACTIVATION_NONE);
    }
}

__attribute__((target(TS_W_TARGET))) static int TS_W_NAME(output_2x2)(const ts_conv_params *p, const float *bias,
                                                                      const float *slopes, const float *m,
                                                                      size_t stride, size_t b, size_t oy, size_t ox) {
    return TS_W_NAME(output)(p, bias, slopes, m, stride, b, oy, ox, 2);
}

__attribute__((target(TS_W_TARGET))) static int TS_W_NAME(output_3x3)(const ts_conv_params *p, const float *bias,
                                                                      const float *slopes, const float *m,
                                                                      size_t stride, size_t b, size_t oy, size_t ox) {
    return TS_W_NAME(output)(p, bias, slopes, m, stride, b, oy, ox, 3);
}

__attribute__((target(TS_W_TARGET))) static int TS_W_NAME(output_4x4)(const ts_conv_params *p, const float *bias,
                                                                      const float *slopes, const float *m,
                                                                      size_t stride, size_t b, size_t oy, size_t ox) {
    return TS_W_NAME(output)(p, bias, slopes, m, stride, b, oy, ox, 4);
}

// M[xi] = V[xi] U[xi] of `rows` tiles (a constant when inlined, so the accumulators are
// registers) for the xi and blocks of NR = 2 TS_W output channels of `g`: the igemm
// micro-kernel's loop without what a convolution's tile needs around it (indirection, bias,
// activation, finiteness checks) — with F(2 x 2, 5 x 5)'s 32 channels that was a third of each
// call. A block past out_c is stored only up to it.
__attribute__((target(TS_W_TARGET), always_inline)) static inline void
TS_W_NAME(products_rows)(const ts_winograd_gemm *g, const float *v, float *m, const size_t rows) {
    const size_t in_c = g->in_c, tile = g->v_tile;
    for (size_t xi = g->first_xi; xi < g->end_xi; xi++) {
        for (size_t nb = g->first_block; nb < g->end_block; nb++) {
            const float *w = g->u + (xi * g->blocks + nb) * in_c * 2 * TS_W;
            VEC acc0[TS_W_MR], acc1[TS_W_MR];
            for (size_t r = 0; r < rows; r++) acc0[r] = acc1[r] = (VEC){0};
            // Tile r's channel c at base[r / 3][c] + (r % 3) * tile: one register per three
            // tiles and the tile stride scaled by 1 or 2 in the address, so a trip of four
            // channels advances three pointers instead of recomputing six.
            const float *const first = v + xi * g->v_stride;  // (bases past the last tile stay at it)
            const float *base[3] = {first, rows > 3 ? first + 3 * tile : first, rows > 6 ? first + 6 * tile : first};
#define TS_W_CHANNEL(u)                                                                 \
    {                                                                                   \
        const VEC w0 = *(const VEC *)(w + (u) * 2 * TS_W);                              \
        const VEC w1 = *(const VEC *)(w + (u) * 2 * TS_W + TS_W);                       \
        for (size_t r = 0; r < rows; r++) { /* the scalar broadcast */                 \
            const float a = base[r / 3][(u) + (r % 3) * tile];                           \
            acc0[r] += a * w0;                                                          \
            acc1[r] += a * w1;                                                          \
        }                                                                               \
    }
            for (size_t c = in_c % 4; c > 0; c--) {
                TS_W_CHANNEL(0)
                w += 2 * TS_W, base[0]++, base[1]++, base[2]++;
            }
            for (size_t c = in_c / 4; c > 0; c--) {
                TS_W_CHANNEL(0) TS_W_CHANNEL(1) TS_W_CHANNEL(2) TS_W_CHANNEL(3)
                w += 8 * TS_W, base[0] += 4, base[1] += 4, base[2] += 4;
                // Opaque to the optimiser, which would otherwise fold the bases back into one
                // pointer plus offsets and recompute them (each base only where it is read).
                __asm__("" : "+r"(base[0]));
                if (rows > 3) __asm__("" : "+r"(base[1]));
                if (rows > 6) __asm__("" : "+r"(base[2]));
            }
#undef TS_W_CHANNEL
            float *out = m + xi * g->m_stride + nb * 2 * TS_W;
            const size_t width = g->out_c - nb * 2 * TS_W;
            for (size_t r = 0; r < rows; r++, out += g->m_tile) {
                if (width >= 2 * TS_W) {
                    *(VEC *)out = acc0[r];
                    *(VEC *)(out + TS_W) = acc1[r];
                } else {  // through memory: a lane indexed at run time would keep acc in memory throughout
                    float lanes[2 * TS_W];
                    *(VEC *)lanes = acc0[r];
                    *(VEC *)(lanes + TS_W) = acc1[r];
                    for (size_t l = 0; l < width; l++) out[l] = lanes[l];
                }
            }
        }
    }
}

__attribute__((target(TS_W_TARGET))) static void TS_W_NAME(products)(const ts_winograd_gemm *gemm) {
    // A copy the stores to M cannot alias, so its fields stay in registers.
    const ts_winograd_gemm local = *gemm, *const g = &local;
    for (size_t t0 = 0; t0 < g->count; t0 += TS_W_MR) {
        const float *v = g->v + t0 * g->v_tile;
        float *m = g->m + t0 * g->m_tile;
        switch (g->count - t0 < TS_W_MR ? g->count - t0 : TS_W_MR) {
#define TS_W_ROWS(n)                                                                 \
    case n:                                                                         \
        TS_W_NAME(products_rows)(g, v, m, n <= TS_W_MR ? n : 1);                    \
        break;
            TS_W_ROWS(1) TS_W_ROWS(2) TS_W_ROWS(3) TS_W_ROWS(4) TS_W_ROWS(5) TS_W_ROWS(6) TS_W_ROWS(7)
            TS_W_ROWS(8)
#undef TS_W_ROWS
            default: break;
        }
    }
}

static const ts_winograd_transforms TS_W_NAME(transforms) = {
    .mr = TS_W_MR, .nr = 2 * TS_W,
    .input_2 = TS_W_NAME(input_2), .input_3 = TS_W_NAME(input_3), .input_4 = TS_W_NAME(input_4),
    .output_2x2 = TS_W_NAME(output_2x2), .output_3x3 = TS_W_NAME(output_3x3), .output_4x4 = TS_W_NAME(output_4x4),
    .products = TS_W_NAME(products)};

#undef TS_W_POINTS

#undef VEC
