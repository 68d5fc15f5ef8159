import CConvKernels

/// Winograd's F(2 × 2, 5 × 5) for stride-1, undilated 5 × 5 convolutions — the seed program's
/// and `my_image_filter`'s layers: each 2 × 2 output tile from a 6 × 6 input patch with 36
/// multiplies per input–output channel pair instead of 100.
///
/// Fused (`winograd_f25.c`): a block of MR tiles along a tile row goes through the input
/// transform, the 36 products on the instruction set's igemm tile and the output
/// transform with the epilogue while it is in cache; the workers take tile rows. The filter is
/// transformed once per value (`WeightLayout.winogradF25`, kept for a variable). Rounds of
/// transformed values through memory, as `WinogradF43` takes them, move 36 (C + K) floats per
/// four outputs: more than a 32-channel layer's arithmetic saves.
///
/// The transforms' constants (1/6, 1/24, 2/3, 4, 5) grow float32's rounding error
/// (docs/ENGINE.md states the measured bound). The planner picks it where it measured faster
/// (`isPreferred`); `Conv2DAlgorithm.winograd` pins it.
package struct WinogradF25: Conv2DOperator {
    package var algorithm: Conv2DAlgorithm { .winograd }
    package let geometry: Conv2DGeometry
    package let isa: KernelISA
    package let workers: Int
    /// The transformed filter kept for the filter's value (a variable's), if any.
    package let transformed: PackedFilter?
    package let scheduler: TileScheduler

    /// Whether the planner picks it without a pin: 16 or more input and output channels, where
    /// it measured faster than the indirect GEMM (32 → 32 channels on 64 × 64: 1.5× on one
    /// core); with an RGB input the transforms outweigh the products saved.
    package static func isPreferred(_ g: Conv2DGeometry) -> Bool {
        supports(g) && g.inChannels >= 16 && g.outChannels >= 16
    }

    /// Whether F(2 × 2, 5 × 5) computes this convolution here: a 5 × 5 kernel, stride 1, no
    /// dilation (either padding), at most `TS_WINOGRAD_MAX_CHANNELS` input and output
    /// channels (so a worker's block of transformed values stays within 9.4 MB), on a CPU with
    /// TensorScope's kernels.
    package static func supports(_ g: Conv2DGeometry) -> Bool {
        // The shape first: the instruction set is a task-local lookup, and the planner asks
        // this of every convolution on every run.
        g.kernelHeight == 5 && g.kernelWidth == 5 && g.strideHeight == 1
            && g.strideWidth == 1 && g.dilationHeight == 1 && g.dilationWidth == 1
            && g.inChannels <= Int(TS_WINOGRAD_MAX_CHANNELS) && g.outChannels <= Int(TS_WINOGRAD_MAX_CHANNELS)
            && KernelISA.current != nil
    }

    package init(geometry: Conv2DGeometry, isa: KernelISA, transformed: PackedFilter? = nil, workers: Int = Workers.count) {
        self.geometry = geometry
        self.isa = isa
        self.transformed = transformed
        self.workers = workers
        scheduler = TileScheduler(tileCount: geometry.batch * ((geometry.outHeight + 1) / 2), maxWorkers: workers)
    }

    package var scratchBytes: Int {
        let g = geometry
        let filter = transformed == nil ? ts_winograd_f25_packed_count(isa.code, g.inChannels, g.outChannels) : 0
        let perWorker = ts_winograd_f25_scratch_count(isa.code, g.inChannels, g.outChannels)
        return 4 * (filter + workers * perWorker + g.outChannels)
    }

    package func run(
        input: UnsafePointer<Float>, filter: UnsafePointer<Float>, output: UnsafeMutablePointer<Float>,
        epilogue: Epilogue
    ) -> Bool {
        let g = geometry
        let (c, k) = (g.inChannels, g.outChannels)
        let prepared = transformed ?? PackedFilter(winogradF25: filter, shape: [5, 5, c, k], isa: isa)
        defer { withExtendedLifetime(prepared) {} }
        var params = ts_conv_params(g, input: input, output: output, activation: epilogue.activation.code,
                                    checkFinite: epilogue.checksFiniteness)
        let (isaCode, u, bias) = (isa.code, UnsafePointer(prepared.floats), epilogue.bias)
        let scratchCount = ts_winograd_f25_scratch_count(isaCode, c, k)
        return epilogue.withChannelSlopes(channels: k) { slopes in
            withUnsafePointer(to: &params) { params in
                scheduler.run { next in
                    let scratch = UnsafeMutablePointer<Float>.allocate(capacity: scratchCount)
                    defer { scratch.deallocate() }
                    var finite = true
                    while let row = next() {
                        finite = ts_winograd_f25_run(isaCode, params, u, bias, slopes, scratch, row, 1) != 0 && finite
                    }
                    return finite
                }
            }
        }
    }
}
