/// How `conv2d` will run a convolution — algorithm, tiles, workers, scratch — and a way to
/// time the im2col algorithm's matrix products alone. For the benchmark, which reports how far
/// the whole convolution is from its GEMMs; not part of the stable API.
@_spi(Benchmarking)
public struct Conv2DProbe: Sendable {
    package let geometry: Conv2DGeometry
    package let algorithmOperator: any Conv2DOperator

    public init(input: [Int], filter: [Int], strides: [Int] = [1, 1, 1, 1], padding: Padding,
                dilations: [Int] = [1, 1, 1, 1]) throws {
        geometry = try Conv2DGeometry(
            input: input, filter: filter, strides: strides, padding: padding, dilations: dilations)
        algorithmOperator = Conv2DPlanner.choose(for: geometry)
    }

    /// The algorithm the planner chose for this shape (`"im2col"`).
    public var algorithm: String { algorithmOperator.algorithm.rawValue }
    /// Output rows (`batch·oh·ow`), output channels and the inner dimension `kh·kw·in`.
    public var m: Int { geometry.m }
    public var n: Int { geometry.n }
    public var k: Int { geometry.k }
    public var flops: Double { geometry.flops }
    public var scratchBytes: Int { algorithmOperator.scratchBytes }
    /// Bytes of the input, the output and the filter (float32).
    public var inputBytes: Int { 4 * geometry.batch * geometry.inHeight * geometry.inWidth * geometry.inChannels }
    public var outputBytes: Int { 4 * m * n }
    public var filterBytes: Int { 4 * k * n }

    /// Runs the `sgemm` calls the im2col algorithm makes for this shape — same tiles, same
    /// workers, same threading — on scratch tiles filled once beforehand, so no im2col and no
    /// epilogue is timed. Kept apart from the algorithm's own loop so the production path
    /// carries no benchmark switch.
    public func runGEMMsOnly(input: [Float], filter: [Float]) {
        let gemm = Im2ColGEMM(geometry: geometry)
        let g = geometry
        let output = UnsafeMutablePointer<Float>.allocate(capacity: m * n)
        defer { output.deallocate() }
        HugePages.advise(UnsafeMutableRawPointer(output), bytes: m * n * 4)
        input.withUnsafeBufferPointer { x in
            filter.withUnsafeBufferPointer { w in
                let (x, w) = (x.baseAddress!, w.baseAddress!)
                _ = BLAS.withSingleThreadedBLAS {
                    gemm.scheduler.run { next in
                        let scratch: UnsafeMutablePointer<Float>? =
                            g.isPointwise ? nil : .allocate(capacity: gemm.rowsPerTile * g.k)
                        defer { scratch?.deallocate() }
                        scratch?.initialize(repeating: 0.5, count: gemm.rowsPerTile * g.k)
                        while let tile = next() {
                            let (first, rows) = gemm.rows(ofTile: tile)
                            let a = scratch.map { UnsafePointer($0) } ?? x + first * g.k
                            Im2ColGEMM.multiply(rows: rows, geometry: g, tile: a, filter: w, output: output + first * g.n)
                        }
                        return true
                    }
                }
            }
        }
    }
}

@_spi(Benchmarking)
extension Conv2DAlgorithm {
    /// Runs `body` with every 5 × 5 Winograd convolution it starts in output tiles of `tile` ×
    /// `tile` (2 or 3; `Winograd5x5.pinnedTile`), so the benchmark can compare F(2 × 2, 5 × 5)
    /// with F(3 × 3, 5 × 5) on the same build.
    public static func withWinogradTile<R>(_ tile: Int, _ body: () throws -> R) rethrows -> R {
        try Winograd5x5.$pinnedTile.withValue(tile, operation: body)
    }
}
