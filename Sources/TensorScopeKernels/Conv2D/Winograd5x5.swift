import CConvKernels

/// Winograd's minimal filtering for stride-1, undilated 5 × 5 convolutions — the seed program's
/// and `my_image_filter`'s layers — in output tiles of `tile` × `tile` pixels:
/// F(2 × 2, 5 × 5), each tile from a 6 × 6 input patch with 36 multiplies per input–output
/// channel pair instead of 100, or F(3 × 3, 5 × 5), each from a 7 × 7 patch with 49 instead of
/// 225 (1.65 times fewer per output than F(2 × 2, 5 × 5)).
///
/// Fused (`winograd_5x5.c`): a block of MR tiles along a tile row goes through the input
/// transform, the products on the instruction set's igemm tile and the output transform with
/// the epilogue while it is in cache; the workers take tile rows. The filter is transformed
/// once per value (`WeightLayout.winogradF25` or `.winogradF35`, kept for a variable). Rounds of
/// transformed values through memory, as `WinogradF43` takes them, move a² (C + K) floats per
/// tile: more than a 32-channel layer's arithmetic saves.
///
/// The transforms' constants (1/6, 1/24, 2/3, 4, 5; 32/45 and −1/2 for 3 × 3 tiles) grow
/// float32's rounding error (docs/ENGINE.md states the measured bound of each). The planner
/// picks it where it measured faster (`isPreferred`, `preferredTile`); `Conv2DAlgorithm.winograd`
/// pins it.
package struct Winograd5x5: Conv2DOperator {
    package var algorithm: Conv2DAlgorithm { .winograd }
    package let geometry: Conv2DGeometry
    package let isa: KernelISA
    /// The output tile's side: 2 for F(2 × 2, 5 × 5), 3 for F(3 × 3, 5 × 5).
    package let tile: Int
    package let workers: Int
    /// The transformed filter kept for the filter's value (a variable's), if any.
    package let transformed: PackedFilter?
    package let scheduler: TileScheduler
    /// `pinnedTile` when it was made.
    package let madeUnderPin: Int?

    /// False once `pinnedTile` differs from the pin it was made under.
    package var isStillChosen: Bool { Self.pinnedTile == madeUnderPin }

    /// Whether the planner picks it without a pin: 16 or more input and output channels, where
    /// it measured faster than the indirect GEMM (32 → 32 channels on 64 × 64: 1.5× on one
    /// core with 2 × 2 tiles); with an RGB input the transforms outweigh the products saved.
    package static func isPreferred(_ g: Conv2DGeometry) -> Bool {
        supports(g) && g.inChannels >= 16 && g.outChannels >= 16
    }

    /// The tile the planner takes for `g`, unless `pinnedTile` says otherwise: the one with
    /// fewer products over the output (a² per tile; the transforms cost about the same per
    /// output pixel for both). 3 × 3 tiles but where the map's sides leave them emptier than
    /// 2 × 2 ones: a 4 × 4 map takes four of either, 144 products with 2 × 2, 196 with 3 × 3.
    package static func preferredTile(_ g: Conv2DGeometry) -> Int {
        if let pinned = pinnedTile { return pinned }
        func products(_ tile: Int) -> Int {
            let a = tile + 4
            return a * a * ((g.outHeight + tile - 1) / tile) * ((g.outWidth + tile - 1) / tile)
        }
        return products(3) <= products(2) ? 3 : 2
    }

    /// A tile every 5 × 5 Winograd convolution of this task takes (2 or 3), for tests and
    /// benchmarks that compare the two; nil: `preferredTile`'s choice.
    @TaskLocal package static var pinnedTile: Int?

    /// The layout of the transformed filter for `tile`.
    package static func layout(tile: Int) -> WeightLayout { tile == 2 ? .winogradF25 : .winogradF35 }

    /// Whether it computes this convolution here: a 5 × 5 kernel, stride 1, no dilation (either
    /// padding), at most `TS_WINOGRAD_MAX_CHANNELS` input and output channels (so a worker's
    /// block of transformed values stays within 12.9 MB: 49 values per channel, 8 tiles, 8192 channels), on a CPU
    /// with TensorScope's kernels.
    package static func supports(_ g: Conv2DGeometry) -> Bool {
        // The shape first: the instruction set is a task-local lookup, and the planner asks
        // this of every convolution on every run.
        g.kernelHeight == 5 && g.kernelWidth == 5 && g.strideHeight == 1
            && g.strideWidth == 1 && g.dilationHeight == 1 && g.dilationWidth == 1
            && g.inChannels <= Int(TS_WINOGRAD_MAX_CHANNELS) && g.outChannels <= Int(TS_WINOGRAD_MAX_CHANNELS)
            && KernelISA.current != nil
    }

    /// - Parameter tile: 2 or 3 (anything else is taken as 3).
    package init(geometry: Conv2DGeometry, isa: KernelISA, tile: Int, transformed: PackedFilter? = nil,
                 workers: Int = Workers.count) {
        self.geometry = geometry
        self.isa = isa
        self.tile = tile == 2 ? 2 : 3
        self.transformed = transformed
        self.workers = workers
        madeUnderPin = Self.pinnedTile
        scheduler = TileScheduler(tileCount: geometry.batch * ((geometry.outHeight + self.tile - 1) / self.tile),
                                  maxWorkers: workers)
    }

    package var scratchBytes: Int {
        let g = geometry
        let filter = transformed == nil ? ts_winograd_5x5_packed_count(isa.code, tile, g.inChannels, g.outChannels) : 0
        let perWorker = ts_winograd_5x5_scratch_count(isa.code, tile, g.inChannels, g.outChannels)
        return 4 * (filter + workers * perWorker + g.outChannels)
    }

    package func run(
        input: UnsafePointer<Float>, filter: UnsafePointer<Float>, output: UnsafeMutablePointer<Float>,
        epilogue: Epilogue
    ) -> Bool {
        let g = geometry
        let (c, k, tile) = (g.inChannels, g.outChannels, tile)
        let prepared = transformed ?? PackedFilter(winograd5x5: filter, tile: tile, shape: [5, 5, c, k], isa: isa)
        defer { withExtendedLifetime(prepared) {} }
        var params = ts_conv_params(g, input: input, output: output, activation: epilogue.activation.code,
                                    checkFinite: epilogue.checksFiniteness)
        let (isaCode, u, bias) = (isa.code, UnsafePointer(prepared.floats), epilogue.bias)
        let scratchCount = ts_winograd_5x5_scratch_count(isaCode, tile, c, k)
        return epilogue.withChannelSlopes(channels: k) { slopes in
            withUnsafePointer(to: &params) { params in
                scheduler.run { next in
                    let scratch = UnsafeMutablePointer<Float>.allocate(capacity: scratchCount)
                    defer { scratch.deallocate() }
                    var finite = true
                    while let row = next() {
                        finite = ts_winograd_5x5_run(isaCode, tile, params, u, bias, slopes, scratch, row, 1) != 0 && finite
                    }
                    return finite
                }
            }
        }
    }
}
