import COpenBLAS
import Dispatch
import Synchronization

/// Runs a validated convolution as tiles of im2col followed by one `cblas_sgemm` each.
///
/// The `M × K` im2col matrix is never built whole: each worker owns one scratch tile of
/// `rowsPerTile × K` floats, fills it, multiplies it by the `K × N` filter straight into
/// its rows of the output, and applies the epilogue (bias, ReLU, finiteness check) while
/// those rows are still in cache. Scratch is therefore bounded by
/// `workers × max(tileBudgetBytes, 4·K)` bytes — independent of batch and image size.
/// A pointwise convolution (1×1, stride 1) multiplies the input in place and uses none.
///
/// Tile height: see `rowsPerTile(geometry:smallProducts:)`.
///
/// Parallelism: one worker per core, each calling a single-threaded `sgemm` on its own
/// tiles (see `BLAS.withSingleThreadedBLAS`). Measured on the seed layer this beats handing
/// the whole skinny product (`N` = 32) to OpenBLAS's own threads (87 GFLOP/s), and it keeps
/// concurrent convolutions from different tasks off OpenBLAS's thread pool.
struct Conv2DEngine {
    /// Scratch bytes each worker may use for its im2col tile when tiles are sized by memory.
    /// 1 MiB keeps a tile and the filter inside a 2 MiB L2 cache.
    static let tileBudgetBytes = 1 << 20

    /// OpenBLAS's AVX-512 kernels run a product with `M·N·K ≤ 10⁶` through their small-matrix
    /// path (`sgemm_small_kernel_permit_skylakex`), which reads the operands in place instead of
    /// packing them: for the skinny products of a convolution (N = 32, K = 800) that is nearly
    /// twice the throughput of the packed path, and it makes the im2col tile small enough to
    /// stay in L1/L2 between being written and being read.
    static let smallProductLimit = 1_000_000

    let geometry: Conv2DGeometry
    let rowsPerTile: Int
    let workers: Int

    init(geometry: Conv2DGeometry, workers maxWorkers: Int = BLAS.coreCount,
         smallProducts: Bool = BLAS.hasSmallMatrixKernels) {
        self.geometry = geometry
        rowsPerTile = Conv2DEngine.rowsPerTile(geometry: geometry, smallProducts: smallProducts)
        let tiles = (geometry.m + rowsPerTile - 1) / rowsPerTile
        workers = max(1, min(maxWorkers, tiles))
    }

    /// Rows of the im2col matrix per tile. With OpenBLAS's small-matrix path: 48 rows, or 24
    /// when 48 would leave the path (`rows·N·K > 10⁶`), or as many as the path allows when that
    /// is 16 to 23. Measured single-threaded on this machine with a fresh tile per product,
    /// multiples of 24 ran fastest — for K = 800, N = 32, 24 rows at ~110 GFLOP/s against
    /// 75–95 for 16, 20, 30 or 32; for K = 75, 48 rows at ~127 against ~80 for 36 or 60 and
    /// ~73 past 272 — the tile then also stays within L1/L2 between its fill and its product.
    /// Without that path: as many rows as fit `tileBudgetBytes`. Always 1 to `M` rows.
    static func rowsPerTile(geometry g: Conv2DGeometry, smallProducts: Bool) -> Int {
        var rows = tileBudgetBytes / (g.k * MemoryLayout<Float>.stride)
        let smallLimit = smallProductLimit / max(1, g.n * g.k)
        if smallProducts && smallLimit >= 16 {
            rows = smallLimit >= 48 ? 48 : min(smallLimit, 24)
        }
        return max(1, min(g.m, rows))
    }

    /// The number of tiles the output rows are cut into.
    var tileCount: Int { (geometry.m + rowsPerTile - 1) / rowsPerTile }

    /// Bytes of im2col scratch one call allocates (all workers together).
    var scratchBytes: Int {
        geometry.isPointwise ? 0 : workers * rowsPerTile * geometry.k * MemoryLayout<Float>.stride
    }

    /// Computes `output[M × N] = im2col(input)[M × K] · filter[K × N]`, then the epilogue.
    ///
    /// - Returns: `false` when some output element is NaN or infinite.
    func run(
        input: UnsafePointer<Float>, filter: UnsafePointer<Float>, output: UnsafeMutablePointer<Float>,
        epilogue: Epilogue, fillTiles: Bool = true
    ) -> Bool {
        let finite = UnsafeMutableBufferPointer<Bool>.allocate(capacity: workers)
        finite.initialize(repeating: true)
        defer { finite.deallocate() }
        let shared = WorkerArguments(
            input: input, filter: filter, output: output, epilogue: epilogue, fillTiles: fillTiles, finite: finite,
            nextTile: TileCounter())
        // Every sgemm runs single-threaded, one worker or several. Convolutions may run from
        // several tasks at once, and a threaded OpenBLAS sgemm running while another task's
        // convolution changed the thread count, or ran its own, gave wrong results (parallel
        // towers disagreeing with serial ones in about one full test run in fifteen).
        BLAS.withSingleThreadedBLAS {
            if workers == 1 {
                finite[0] = runWorker(0, shared)
            } else {
                DispatchQueue.concurrentPerform(iterations: workers) { worker in
                    shared.finite[worker] = runWorker(worker, shared)
                }
            }
        }
        return finite.allSatisfy { $0 }
    }

    private func runWorker(_ worker: Int, _ shared: WorkerArguments) -> Bool {
        let (input, filter, output, epilogue) = (shared.input, shared.filter, shared.output, shared.epilogue)
        let g = geometry
        let (k, n) = (g.k, g.n)
        let im2col = Im2Col(geometry: g)
        let scratch: UnsafeMutablePointer<Float>? =
            g.isPointwise ? nil : .allocate(capacity: rowsPerTile * k)
        defer { scratch?.deallocate() }
        if !shared.fillTiles { scratch?.initialize(repeating: 0.5, count: rowsPerTile * k) }
        var finite = true
        // Tiles are claimed one at a time from a shared counter, so a core that runs slower (a
        // busy neighbour on a shared machine) takes fewer tiles instead of holding up the end.
        while true {
            let tile = shared.nextTile.value.wrappingAdd(1, ordering: .relaxed).oldValue
            guard tile < tileCount else { break }
            let first = tile * rowsPerTile
            let rows = min(rowsPerTile, g.m - first)
            let a: UnsafePointer<Float>
            if let scratch {
                if shared.fillTiles { im2col.fill(tile: scratch, firstRow: first, rows: rows, input: input) }
                a = UnsafePointer(scratch)
            } else {
                a = input + first * k
            }
            let c = output + first * n
            cblas_sgemm(
                CblasRowMajor, CblasNoTrans, CblasNoTrans,
                Int32(rows), Int32(n), Int32(k),
                1, a, Int32(k), filter, Int32(n),
                0, c, Int32(n))
            finite = epilogue.apply(to: c, rows: rows, columns: n) && finite
        }
        return finite
    }
}

/// What every worker reads, and one result slot per worker (each written by its own worker
/// only). Raw pointers are not `Sendable`; these stay valid for the whole `run`, which waits
/// for every worker before returning.
private struct WorkerArguments: @unchecked Sendable {
    let input: UnsafePointer<Float>
    let filter: UnsafePointer<Float>
    let output: UnsafeMutablePointer<Float>
    let epilogue: Epilogue
    /// False to time the products alone: tiles are filled once, not per tile.
    let fillTiles: Bool
    let finite: UnsafeMutableBufferPointer<Bool>
    let nextTile: TileCounter
}

/// The index of the next unclaimed tile.
private final class TileCounter: Sendable {
    let value = Atomic<Int>(0)
}
