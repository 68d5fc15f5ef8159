import CConvKernels

/// TensorScope's own convolution: NHWC indirect GEMM with micro-kernels per instruction set
/// (`Sources/CConvKernels`), as XNNPACK's f32 igemm.
///
/// No im2col copy: for each tile of MR output pixels the C driver lists the input rows the
/// kernel reads — one pointer per kernel row for a run of MR pixels along an output row (the
/// direct kernel steps from pixel to pixel), per pixel and kernel row or tap otherwise; a zero row
/// stands for the top and bottom padding, zero-padded copies for the left and right — and the
/// micro-kernel multiplies those rows by the packed filter (blocks of NR output channels, packed
/// once per variable value) with MR × NR accumulators in registers. The finiteness check, bias
/// and ReLU are applied to the accumulators before they are stored, so every output is written
/// once (non-temporally when it is large). Tiles of pixels are spread over the cores by the
/// `TileScheduler`; scratch is a run of kernel rows of zeros and, for a filter that is not a
/// variable, its packed copy. See `igemm_run.c` for the details and the measurements behind them.
package struct IndirectGEMM: Conv2DOperator {
    /// Micro-kernel tiles per scheduler tile: enough work per claim to make the shared counter
    /// negligible, few enough that two cores finish together.
    package static let microTilesPerTile = 16

    package var algorithm: Conv2DAlgorithm { .igemm }
    package let geometry: Conv2DGeometry
    package let isa: KernelISA
    package let packed: PackedFilter?
    package let pixelsPerTile: Int
    /// Images per batch-major group (`ts_igemm_batch_group`: small maps of at least MR images,
    /// each tile one pixel of MR images); 0 when tiles are runs of pixels.
    package let batchGroup: Int
    package let scheduler: TileScheduler

    /// Whether the kernels take this shape: at most `TS_IGEMM_MAX_TAPS` kernel taps.
    package static func supports(_ g: Conv2DGeometry) -> Bool {
        g.kernelHeight * g.kernelWidth <= Int(TS_IGEMM_MAX_TAPS)
    }

    /// Images per batch-major group for `g` (`ts_igemm_batch_group`), 0 when its tiles are runs
    /// of pixels.
    package static func batchGroup(_ g: Conv2DGeometry, isa: KernelISA) -> Int {
        var shape = ts_conv_params(g)
        return ts_igemm_batch_group(isa.code, &shape)
    }

    package init(geometry: Conv2DGeometry, isa: KernelISA, packed: PackedFilter?, workers: Int = Workers.count) {
        self.geometry = geometry
        self.isa = isa
        self.packed = packed
        // Batch-major convolutions (small maps, `ts_igemm_batch_group`) take ranges of whole
        // groups of images, so that every tile but the last is full.
        batchGroup = Self.batchGroup(geometry, isa: isa)
        let groupPixels = batchGroup * geometry.outHeight * geometry.outWidth
        let pixels = isa.tile.pixels * IndirectGEMM.microTilesPerTile
        pixelsPerTile = batchGroup == 0 ? pixels : max(1, pixels / groupPixels) * groupPixels
        scheduler = TileScheduler(tileCount: (geometry.m + pixelsPerTile - 1) / pixelsPerTile, maxWorkers: workers)
    }

    private var blockCount: Int { (geometry.n + isa.tile.channels - 1) / isa.tile.channels }

    /// Zeros for a kernel row in the padding: a run of MR pixels' kernel rows,
    /// `((MR − 1) · strideWidth + kw) · inChannels` floats, when that is at most 64 Ki floats;
    /// otherwise one kernel row, `kw · inChannels` (the driver then reads padding through
    /// per-pixel pointers, as for a short run).
    private var zeroCount: Int {
        let kernelRow = geometry.kernelWidth * geometry.inChannels
        let run = ts_igemm_zero_count(isa.code, geometry.kernelWidth, geometry.strideWidth, geometry.inChannels)
        return run <= 1 << 16 ? max(Int(run), kernelRow) : kernelRow
    }

    /// Whether the output is written with non-temporal stores: only one of 16 MiB or more, too
    /// large for the caches to keep for the next op (which reads it back from memory anyway);
    /// a smaller one is better left in the cache.
    package var streamsOutput: Bool { IndirectGEMM.pinnedStreaming ?? (4 * geometry.m * geometry.n >= 16 << 20) }

    /// Streaming on or off whatever the size, for the tests to reach both ways of storing on
    /// small outputs.
    @TaskLocal package static var pinnedStreaming: Bool?

    package var scratchBytes: Int {
        let g = geometry
        let packing = packed == nil ? ts_igemm_packed_count(isa.code, g.kernelHeight, g.kernelWidth, g.inChannels, g.n) : 0
        return 4 * (zeroCount + blockCount * isa.tile.channels + packing)
    }

    package func run(
        input: UnsafePointer<Float>, filter: UnsafePointer<Float>, output: UnsafeMutablePointer<Float>,
        epilogue: Epilogue
    ) -> Bool {
        let g = geometry
        let weights = packed ?? PackedFilter(
            hwio: filter, shape: [g.kernelHeight, g.kernelWidth, g.inChannels, g.n], isa: isa)
        let zeroCount = zeroCount
        let nr = isa.tile.channels
        return epilogue.withPaddedBias(channels: g.n, blockWidth: nr) { paddedBias in
        SharedZeros.withZeros(zeroCount) { zero in
            var params = ts_conv_params(
                g, input: input, zero: zero, zeroCount: zeroCount, weights: weights.floats, bias: paddedBias, output: output,
                activation: epilogue.activation.code, checkFinite: epilogue.checksFiniteness,
                stream: streamsOutput && epilogue.activation != .elu, pool: epilogue.maxPool)
            let (isaCode, m, perTile) = (isa.code, g.m, pixelsPerTile)
            let finite = withUnsafePointer(to: &params) { params in
                scheduler.run { next in
                    var finite = true
                    while let tile = next() {
                        let first = tile * perTile
                        finite = ts_igemm_run(isaCode, params, first, min(perTile, m - first)) != 0 && finite
                    }
                    return finite
                }
            }
            withExtendedLifetime(weights) {}
            return finite
        }
        }
    }

    /// Whether the driver pools as `pool` asks, in its batch-major tiles (`ts_igemm_pools`):
    /// windows that do not overlap (the driver's parameters have no pool stride).
    package func pools(_ pool: PoolGeometry) -> Bool {
        guard pool.kernelHeight == pool.strideHeight, pool.kernelWidth == pool.strideWidth else { return false }
        var shape = ts_conv_params(geometry, pool: pool)
        return ts_igemm_pools(isa.code, &shape) != 0
    }
}
