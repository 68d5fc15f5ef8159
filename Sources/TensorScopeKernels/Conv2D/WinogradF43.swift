import CConvKernels

/// Winograd's minimal filtering F(4 × 4, 3 × 3) (Lavin & Gray, 2016) for stride-1, undilated
/// 3 × 3 convolutions: each 4 × 4 output tile from a 6 × 6 input patch with 36 multiplies per
/// input–output channel pair instead of 144 —
///
///     Y = Aᵀ [ (G g Gᵀ) ⊙ (Bᵀ d B) ] A
///
/// with the filter transformed once per value (`U = G g Gᵀ`, `WeightLayout.winogradF43`, kept
/// for a variable) and tiles taken in rounds (`winograd_f43.c`): every patch of the round
/// transformed (`V = Bᵀ d B`), the 36 products over channels (`M[ξ] = V[ξ] · U[ξ]`) on the
/// instruction set's igemm tile (`winograd_transforms.h`) in items of one ξ and one block of NR output channels,
/// each tile transformed back (`Aᵀ M A`) with the bias, activation and finiteness check; each
/// pass spread over the workers. A round holds at most `roundLimitBytes` of transformed values,
/// so scratch is bounded by that, not by the image. Rounds, not `Winograd5x5`'s fused blocks:
/// the deep layers it is chosen for have transformed filters of megabytes, which a block of a
/// few tiles would stream whole.
///
/// The transforms cost accuracy: their constants (1/4, 1/6, 1/24 and powers of 2 up to 8)
/// grow the rounding error of float32 (docs/ENGINE.md states the measured bound). The planner
/// picks it where it expects it to be faster (`isPreferred`); `Conv2DAlgorithm.winograd` pins it.
package struct WinogradF43: Conv2DOperator {
    package var algorithm: Conv2DAlgorithm { .winograd }
    package let geometry: Conv2DGeometry
    package let isa: KernelISA
    /// Output tiles (4 × 4 pixels) per round: all of them, or as many as keep the transformed
    /// inputs and products (36 × tiles × (C + K) floats) within `roundBudgetBytes` — but at
    /// least `minimumRoundTiles` while that stays within `roundLimitBytes`.
    package let tilesPerRound: Int
    package let workers: Int
    /// The transformed filter kept for the filter's value (a variable's), if any.
    package let transformed: PackedFilter?

    /// A round's transformed values: 4 MiB, which the caches keep from one pass to the next
    /// (one core, `[8, 56, 56, 32]` 32 → 32: rounds of 16 MiB ran 1.5× as long).
    package static let roundBudgetBytes = 4 << 20
    /// Tiles a round has at least, so each product item uses its block of the transformed
    /// filter (C × NR floats) for many tiles: deep layers' tiles are large (256 → 256 channels:
    /// 74 KB each).
    package static let minimumRoundTiles = 96
    /// The most a round takes (4096 channels in and out: 14 tiles).
    package static let roundLimitBytes = 16 << 20

    /// Tiles per piece of work in the transform passes.
    static let transformTiles = 8

    /// Whether the planner picks it without a pin: where it is expected 1.25× as fast as the
    /// indirect GEMM (`expectedSpeedup`) with at least 4 tiles, unless the indirect GEMM takes
    /// the maps batch-major (there, a digits net's 16 → 32 on 4 × 4 maps of 256 images, Winograd
    /// ran 1.5× as long, and the max pool after it could no longer be fused).
    package static func isPreferred(_ g: Conv2DGeometry) -> Bool {
        guard fits(g), let isa = KernelISA.current, IndirectGEMM.batchGroup(g, isa: isa) == 0 else { return false }
        return tiles(g) >= 4 && expectedSpeedup(g) >= 1.25
    }

    /// The speed-up over direct convolution this shape should see: 4 (144 multiplies for 36)
    /// times the share of the tiles' pixels inside the output, times the share of the work
    /// that is products when each transformed value costs as much as 16 of a channel pair's
    /// multiply-adds — `C K / (C K + 16 (C + K))`, fitted to one core on Zen 3 (16 → 16 on
    /// 56 × 56: 1.5×; 28 → 48 on 9 × 9: 1.16×; 64 → 64 on 28 × 28: 2.4×; 256 → 256 on
    /// 14 × 14: 2.25×; an RGB input: below 1).
    static func expectedSpeedup(_ g: Conv2DGeometry) -> Double {
        let (c, k) = (Double(g.inChannels), Double(g.outChannels))
        let inside = Double(g.outHeight * g.outWidth) / Double(16 * ((g.outHeight + 3) / 4) * ((g.outWidth + 3) / 4))
        return 4 * inside * c * k / (c * k + 16 * (c + k))
    }

    /// Whether F(4 × 4, 3 × 3) computes this convolution here: a 3 × 3 kernel, stride 1, no
    /// dilation (either padding), at most `TS_WINOGRAD_MAX_CHANNELS` input and output
    /// channels, on a CPU with TensorScope's kernels.
    package static func supports(_ g: Conv2DGeometry) -> Bool {
        // The shape first: the instruction set is a task-local lookup, and the planner asks
        // this of every convolution on every run.
        fits(g) && KernelISA.current != nil
    }

    /// The shape part of `supports`.
    private static func fits(_ g: Conv2DGeometry) -> Bool {
        g.kernelHeight == 3 && g.kernelWidth == 3 && g.strideHeight == 1
            && g.strideWidth == 1 && g.dilationHeight == 1 && g.dilationWidth == 1
            && g.inChannels <= Int(TS_WINOGRAD_MAX_CHANNELS) && g.outChannels <= Int(TS_WINOGRAD_MAX_CHANNELS)
    }

    /// Output tiles (4 × 4 pixels) of `g`.
    static func tiles(_ g: Conv2DGeometry) -> Int { g.batch * ((g.outHeight + 3) / 4) * ((g.outWidth + 3) / 4) }
    /// Floats per tile of transformed inputs and products (`ts_winograd_f43_tile_floats`).
    static func floatsPerTile(_ g: Conv2DGeometry) -> (v: Int, m: Int) {
        var (v, m) = (0, 0)
        ts_winograd_f43_tile_floats(g.inChannels, g.outChannels, &v, &m)
        return (v, m)
    }

    var tileCount: Int { Self.tiles(geometry) }
    var floatsPerTile: (v: Int, m: Int) { Self.floatsPerTile(geometry) }

    package init(geometry: Conv2DGeometry, isa: KernelISA, transformed: PackedFilter? = nil, workers: Int = Workers.count) {
        self.geometry = geometry
        self.isa = isa
        self.transformed = transformed
        self.workers = workers
        let (v, m) = Self.floatsPerTile(geometry)
        let perTile = (v + m) * MemoryLayout<Float>.stride
        let fewest = min(Self.minimumRoundTiles, Self.roundLimitBytes / perTile)
        tilesPerRound = max(1, min(Self.tiles(geometry), max(Self.roundBudgetBytes / perTile, fewest)))
    }

    package var scratchBytes: Int {
        let g = geometry
        let filter = transformed == nil ? ts_winograd_f43_packed_count(isa.code, g.inChannels, g.outChannels) : 0
        let (v, m) = floatsPerTile
        return 4 * (filter + tilesPerRound * (v + m) + g.outChannels)
    }

    /// Each round: the tiles' inputs transformed (spread over the workers by tiles), the
    /// products (by items of ξ and NR output channels), the outputs transformed back with the
    /// epilogue (by tiles).
    package func run(
        input: UnsafePointer<Float>, filter: UnsafePointer<Float>, output: UnsafeMutablePointer<Float>,
        epilogue: Epilogue
    ) -> Bool {
        let g = geometry
        let (c, k) = (g.inChannels, g.outChannels)
        let prepared = transformed ?? PackedFilter(winogradF43: filter, shape: [3, 3, c, k], isa: isa)
        let (perTileV, perTileM) = floatsPerTile
        // V, then M, from one block, both on cache-line boundaries (the workers write neighbouring
        // pieces of each; winograd_f43.c).
        let block = UnsafeMutablePointer<Float>.allocate(capacity: tilesPerRound * (perTileV + perTileM) + 16)
        defer { block.deallocate(); withExtendedLifetime(prepared) {} }
        let v = block + (16 - Int(bitPattern: block) / 4 % 16) % 16
        let m = v + tilesPerRound * perTileV
        var params = ts_conv_params(g, input: input, output: output, activation: epilogue.activation.code,
                                    checkFinite: epilogue.checksFiniteness)
        let (isaCode, u, bias, items) = (isa.code, UnsafePointer(prepared.floats), epilogue.bias,
                                         ts_winograd_f43_product_items(isa.code, k))
        return epilogue.withChannelSlopes(channels: k) { slopes in
            withUnsafePointer(to: &params) { p in
                var finite = true
                for first in Swift.stride(from: 0, to: tileCount, by: tilesPerRound) {
                    let count = min(tilesPerRound, tileCount - first)
                    let pieces = (count + Self.transformTiles - 1) / Self.transformTiles
                    _ = TileScheduler(tileCount: pieces, maxWorkers: workers).run { next in
                        while let piece = next() {
                            let t = piece * Self.transformTiles
                            ts_winograd_f43_input(isaCode, p, v, first, count, first + t, min(Self.transformTiles, count - t))
                        }
                        return true
                    }
                    _ = TileScheduler(tileCount: items, maxWorkers: workers).run { next in
                        while let item = next() { ts_winograd_f43_products(isaCode, p, u, v, m, count, item) }
                        return true
                    }
                    finite = TileScheduler(tileCount: pieces, maxWorkers: workers).run { next in
                        var finite = true
                        while let piece = next() {
                            let t = piece * Self.transformTiles
                            finite = ts_winograd_f43_output(isaCode, p, bias, slopes, m, first, count, first + t,
                                                            min(Self.transformTiles, count - t)) != 0 && finite
                        }
                        return finite
                    } && finite
                }
                return finite
            }
        }
    }
}
