import COpenBLAS

/// The im2col + `sgemm` algorithm: tiles of im2col, each followed by one `cblas_sgemm`.
///
/// The `M × K` im2col matrix is never built whole: each worker owns one scratch tile of
/// `rowsPerTile × K` floats, fills it, multiplies it by the `K × N` filter straight into
/// its rows of the output, and applies the epilogue (bias, ReLU, finiteness check) while
/// those rows are still in cache. Scratch is therefore bounded by
/// `workers × max(tileBudgetBytes, 4·K)` bytes — independent of batch and image size.
/// A pointwise convolution (1×1, stride 1) multiplies the input in place and uses none.
///
/// Parallelism: one worker per core (`TileScheduler`), each calling a single-threaded `sgemm`
/// on its own tiles (see `BLAS.withSingleThreadedBLAS`). Measured on the seed layer this beats
/// handing the whole skinny product (`N` = 32) to OpenBLAS's own threads (87 GFLOP/s), and it
/// keeps concurrent convolutions from different tasks off OpenBLAS's thread pool.
package struct Im2ColGEMM: Conv2DOperator {
    /// Scratch bytes each worker may use for its im2col tile when tiles are sized by memory.
    /// 1 MiB keeps a tile and the filter inside a 2 MiB L2 cache.
    package static let tileBudgetBytes = 1 << 20

    /// OpenBLAS's AVX-512 kernels run a product with `M·N·K ≤ 10⁶` through their small-matrix
    /// path (`sgemm_small_kernel_permit_skylakex`), which reads the operands in place instead of
    /// packing them: for the skinny products of a convolution (N = 32, K = 800) that is nearly
    /// twice the throughput of the packed path, and it makes the im2col tile small enough to
    /// stay in L1/L2 between being written and being read.
    package static let smallProductLimit = 1_000_000

    package var algorithm: Conv2DAlgorithm { .im2col }
    package let geometry: Conv2DGeometry
    package let rowsPerTile: Int
    package let scheduler: TileScheduler

    package init(geometry: Conv2DGeometry, workers maxWorkers: Int = Workers.count,
         smallProducts: Bool = BLAS.hasSmallMatrixKernels) {
        self.geometry = geometry
        rowsPerTile = Im2ColGEMM.rowsPerTile(geometry: geometry, smallProducts: smallProducts)
        scheduler = TileScheduler(tileCount: (geometry.m + rowsPerTile - 1) / rowsPerTile, maxWorkers: maxWorkers)
    }

    /// Rows of the im2col matrix per tile. With OpenBLAS's small-matrix path: 48 rows, or 24
    /// when 48 would leave the path (`rows·N·K > 10⁶`), or as many as the path allows when that
    /// is 16 to 23. Measured single-threaded with a fresh tile per product, multiples of 24 ran
    /// fastest — for K = 800, N = 32, 24 rows at ~110 GFLOP/s against 75–95 for 16, 20, 30 or
    /// 32; for K = 75, 48 rows at ~127 against ~80 for 36 or 60 and ~73 past 272 — the tile
    /// then also stays within L1/L2 between its fill and its product. Without that path: as
    /// many rows as fit `tileBudgetBytes`. Always 1 to `M` rows.
    package static func rowsPerTile(geometry g: Conv2DGeometry, smallProducts: Bool) -> Int {
        var rows = tileBudgetBytes / (g.k * MemoryLayout<Float>.stride)
        let smallLimit = smallProductLimit / max(1, g.n * g.k)
        if smallProducts && smallLimit >= 16 {
            rows = smallLimit >= 48 ? 48 : min(smallLimit, 24)
        }
        return max(1, min(g.m, rows))
    }

    package var tileCount: Int { scheduler.tileCount }
    package var workers: Int { scheduler.workers }

    package var scratchBytes: Int {
        geometry.isPointwise ? 0 : workers * rowsPerTile * geometry.k * MemoryLayout<Float>.stride
    }

    /// The output rows of `tile`: the first one and how many.
    package func rows(ofTile tile: Int) -> (first: Int, count: Int) {
        let first = tile * rowsPerTile
        return (first, min(rowsPerTile, geometry.m - first))
    }

    package func run(
        input: UnsafePointer<Float>, filter: UnsafePointer<Float>, output: UnsafeMutablePointer<Float>,
        epilogue: Epilogue
    ) -> Bool {
        let g = geometry
        let im2col = Im2Col(geometry: g)
        // Every sgemm runs single-threaded, one worker or several. Convolutions may run from
        // several tasks at once, and a threaded OpenBLAS sgemm running while another task's
        // convolution changed the thread count, or ran its own, gave wrong results (parallel
        // towers disagreeing with serial ones in about one full test run in fifteen).
        return BLAS.withSingleThreadedBLAS {
            scheduler.run { next in
                let scratch: UnsafeMutablePointer<Float>? = g.isPointwise ? nil : .allocate(capacity: rowsPerTile * g.k)
                defer { scratch?.deallocate() }
                var finite = true
                while let tile = next() {
                    let (first, rows) = rows(ofTile: tile)
                    let a: UnsafePointer<Float>
                    if let scratch {
                        im2col.fill(tile: scratch, firstRow: first, rows: rows, input: input)
                        a = UnsafePointer(scratch)
                    } else {
                        a = input + first * g.k
                    }
                    let c = output + first * g.n
                    Im2ColGEMM.multiply(rows: rows, geometry: g, tile: a, filter: filter, output: c)
                    finite = epilogue.apply(to: c, rows: rows, columns: g.n) && finite
                }
                return finite
            }
        }
    }

    /// `output[rows × N] = tile[rows × K] · filter[K × N]`, one single-threaded `sgemm`.
    package static func multiply(
        rows: Int, geometry g: Conv2DGeometry, tile: UnsafePointer<Float>, filter: UnsafePointer<Float>,
        output: UnsafeMutablePointer<Float>
    ) {
        cblas_sgemm(
            CblasRowMajor, CblasNoTrans, CblasNoTrans,
            Int32(rows), Int32(g.n), Int32(g.k),
            1, tile, Int32(g.k), filter, Int32(g.n),
            0, output, Int32(g.n))
    }
}
