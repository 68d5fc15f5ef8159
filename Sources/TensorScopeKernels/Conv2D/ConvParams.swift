import CConvKernels

extension ts_conv_params {
    /// The C kernels' parameters for the convolution `g` (`IndirectGEMM`, `Winograd5x5`,
    /// `WinogradF43`); without pointers they describe the shape alone, as the drivers' mode
    /// queries take it.
    init(
        _ g: Conv2DGeometry, input: UnsafePointer<Float>? = nil, zero: UnsafePointer<Float>? = nil, zeroCount: Int = 0,
        weights: UnsafePointer<Float>? = nil, bias: UnsafePointer<Float>? = nil, output: UnsafeMutablePointer<Float>? = nil,
        activation: Int32 = 0, checkFinite: Bool = false, stream: Bool = false, pool: PoolGeometry? = nil
    ) {
        self.init(
            input: input, zero: zero, zero_count: zeroCount, packed_weights: weights, packed_bias: bias, output: output,
            batch: g.batch, in_h: g.inHeight, in_w: g.inWidth, in_c: g.inChannels,
            kernel_h: g.kernelHeight, kernel_w: g.kernelWidth, out_c: g.n,
            stride_h: g.strideHeight, stride_w: g.strideWidth, dilation_h: g.dilationHeight, dilation_w: g.dilationWidth,
            out_h: g.outHeight, out_w: g.outWidth, pad_top: g.padTop, pad_left: g.padLeft,
            activation: activation, check_finite: checkFinite ? 1 : 0, stream: stream ? 1 : 0,
            pool_h: pool?.kernelHeight ?? 0, pool_w: pool?.kernelWidth ?? 0,
            pooled_h: pool?.outHeight ?? 0, pooled_w: pool?.outWidth ?? 0,
            pool_top: pool?.padTop ?? 0, pool_left: pool?.padLeft ?? 0)
    }
}
