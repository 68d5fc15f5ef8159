import COpenBLAS

/// Winograd's minimal filtering F(4 × 4, 3 × 3) (Lavin & Gray, 2016) for stride-1, undilated
/// 3 × 3 convolutions: each 4 × 4 output tile from a 6 × 6 input patch with 36 multiplies per
/// input–output channel pair instead of 144 —
///
///     Y = Aᵀ [ (G g Gᵀ) ⊙ (Bᵀ d B) ] A
///
/// with the filter transformed once per value (`U = G g Gᵀ`, `[36][C][K]`, kept for a variable),
/// every patch transformed (`V = Bᵀ d B`, `[36][tiles][C]`), the 36 element-wise products over
/// channels done as 36 matrix products (`M[ξ] = V[ξ] · U[ξ]`, one single-threaded `sgemm`
/// each) and each tile transformed back (`Aᵀ M A`), then the epilogue. Tiles are taken in
/// rounds of at most `roundBudgetBytes` of transformed values, so scratch is bounded by that,
/// not by the image.
///
/// The transforms cost accuracy: their constants (1/4, 1/6, 1/24 and powers of 2 up to 8)
/// grow the rounding error of float32 (docs/ENGINE.md states the measured bound). The planner
/// picks it where it measured faster (`isPreferred`); `Conv2DAlgorithm.winograd` pins it.
package struct WinogradF43: Conv2DOperator {
    package var algorithm: Conv2DAlgorithm { .winograd }
    package let geometry: Conv2DGeometry
    /// Output tiles (4 × 4 pixels) transformed and multiplied per round: all of them, or as
    /// many as keep the transformed inputs and products (36 × tiles × (C + K) floats) within
    /// `roundBudgetBytes`.
    package let tilesPerRound: Int
    package let workers: Int
    /// The transformed filter kept for the filter's value (a variable's), if any.
    package let transformed: PackedFilter?

    /// Scratch a round may use: 16 MiB, so each of the 36 products has rows enough (a deep
    /// layer's 227 tiles of 256 channels) for OpenBLAS to pack its operands once for many.
    package static let roundBudgetBytes = 16 << 20

    /// Whether the planner picks it without a pin: where it measured faster than the indirect
    /// GEMM — 64 or more input and output channels (a ResNet block's 64 on 28 × 28: 1.25× as
    /// fast; 256 on 14 × 14: 1.6–1.85×). With fewer channels the transforms outweigh the
    /// products it saves (a detector's 3 → 32 and 32 → 64 layers ran 4× slower).
    package static func isPreferred(_ g: Conv2DGeometry) -> Bool {
        supports(g) && g.inChannels >= 64 && g.outChannels >= 64
    }

    /// Whether F(4 × 4, 3 × 3) computes this convolution: a 3 × 3 kernel, stride 1, no
    /// dilation (either padding).
    package static func supports(_ g: Conv2DGeometry) -> Bool {
        g.kernelHeight == 3 && g.kernelWidth == 3 && g.strideHeight == 1 && g.strideWidth == 1
            && g.dilationHeight == 1 && g.dilationWidth == 1
    }

    var tilesY: Int { (geometry.outHeight + 3) / 4 }
    var tilesX: Int { (geometry.outWidth + 3) / 4 }
    var tileCount: Int { geometry.batch * tilesY * tilesX }

    package init(geometry: Conv2DGeometry, transformed: PackedFilter? = nil, workers: Int = Workers.count) {
        self.geometry = geometry
        self.transformed = transformed
        self.workers = workers
        let tiles = geometry.batch * ((geometry.outHeight + 3) / 4) * ((geometry.outWidth + 3) / 4)
        let perTile = 36 * (geometry.inChannels + geometry.outChannels) * MemoryLayout<Float>.stride
        tilesPerRound = max(1, min(tiles, Self.roundBudgetBytes / perTile))
    }

    package var scratchBytes: Int {
        let g = geometry
        let filter = transformed == nil ? 36 * g.inChannels * g.outChannels : 0
        return 4 * (filter + 36 * tilesPerRound * (g.inChannels + g.outChannels) + workers * 16 * g.outChannels)
    }

    /// Each round: the tiles' inputs transformed (spread over the workers by tiles), the 36
    /// products (spread by ξ, one single-threaded `sgemm` each), the outputs transformed back
    /// with the epilogue (by tiles).
    package func run(
        input: UnsafePointer<Float>, filter: UnsafePointer<Float>, output: UnsafeMutablePointer<Float>,
        epilogue: Epilogue
    ) -> Bool {
        let g = geometry
        let (c, k) = (g.inChannels, g.outChannels)
        let prepared = transformed ?? PackedFilter(winogradF43: filter, shape: [3, 3, c, k])
        let u = UnsafePointer(prepared.floats)
        let v = UnsafeMutablePointer<Float>.allocate(capacity: 36 * tilesPerRound * c)
        let m = UnsafeMutablePointer<Float>.allocate(capacity: 36 * tilesPerRound * k)
        defer { v.deallocate(); m.deallocate(); withExtendedLifetime(prepared) {} }
        let blockTiles = 8  // tiles per piece of work in the transforms
        var finite = true
        BLAS.withSingleThreadedBLAS {
            for first in Swift.stride(from: 0, to: tileCount, by: tilesPerRound) {
                let count = min(tilesPerRound, tileCount - first)
                let blocks = (count + blockTiles - 1) / blockTiles
                _ = TileScheduler(tileCount: blocks, maxWorkers: workers).run { next in
                    while let block = next() {
                        for t in (block * blockTiles)..<min(count, (block + 1) * blockTiles) {
                            transformInput(tile: first + t, input: input, into: v + t * c, stride: count * c)
                        }
                    }
                    return true
                }
                _ = TileScheduler(tileCount: 36, maxWorkers: workers).run { next in
                    while let xi = next() {
                        cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, Int32(count), Int32(k), Int32(c),
                                    1, v + xi * count * c, Int32(c), u + xi * c * k, Int32(k), 0, m + xi * count * k, Int32(k))
                    }
                    return true
                }
                let roundFinite = TileScheduler(tileCount: blocks, maxWorkers: workers).run { next in
                    let tile = UnsafeMutablePointer<Float>.allocate(capacity: 16 * k)
                    defer { tile.deallocate() }
                    var finite = true
                    while let block = next() {
                        for t in (block * blockTiles)..<min(count, (block + 1) * blockTiles) {
                            finite = transformOutput(tile: first + t, products: m + t * k, stride: count * k, scratch: tile,
                                                     epilogue: epilogue, into: output) && finite
                        }
                    }
                    return finite
                }
                finite = roundFinite && finite
            }
        }
        return finite
    }

    /// `U[ξ][c][k] = (G g Gᵀ)[ξ]` for the HWIO filter `g[ky][kx][c][k]`, eight output
    /// channels at a time.
    static func transformFilter(_ filter: UnsafePointer<Float>, channels c: Int, outputs k: Int, into u: UnsafeMutablePointer<Float>) {
        typealias Six = (SIMD8<Float>, SIMD8<Float>, SIMD8<Float>, SIMD8<Float>, SIMD8<Float>, SIMD8<Float>)
        // G's rows applied to (g0, g1, g2): 1/4 · (1, 0, 0), −1/6 · (1, 1, 1), −1/6 · (1, −1, 1),
        // (1/24, 1/12, 1/6), (1/24, −1/12, 1/6), (0, 0, 1).
        @inline(__always) func rows(_ g0: SIMD8<Float>, _ g1: SIMD8<Float>, _ g2: SIMD8<Float>) -> Six {
            (g0 / 4, -(g0 + g1 + g2) / 6, -(g0 - g1 + g2) / 6, g0 / 24 + g1 / 12 + g2 / 6, g0 / 24 - g1 / 12 + g2 / 6, g2)
        }
        @inline(__always) func element(_ six: Six, _ i: Int) -> SIMD8<Float> {
            switch i {
            case 0: six.0
            case 1: six.1
            case 2: six.2
            case 3: six.3
            case 4: six.4
            default: six.5
            }
        }
        for ci in 0..<c {
            for ko in Swift.stride(from: 0, to: k, by: 8) {
                let lanes = min(8, k - ko)
                @inline(__always) func w(_ tap: Int) -> SIMD8<Float> { load(filter + (tap * c + ci) * k + ko, lanes) }
                // G w: the six rows of each kernel column x.
                let column0 = rows(w(0), w(3), w(6)), column1 = rows(w(1), w(4), w(7)), column2 = rows(w(2), w(5), w(8))
                for i in 0..<6 {
                    let row = rows(element(column0, i), element(column1, i), element(column2, i))
                    for j in 0..<6 { store(element(row, j), u + ((i * 6 + j) * c + ci) * k + ko, lanes) }
                }
            }
        }
    }

    /// The tile's `(batch, tile row, tile column)`.
    func position(of tile: Int) -> (b: Int, ty: Int, tx: Int) {
        let (b, rest) = tile.quotientAndRemainder(dividingBy: tilesY * tilesX)
        let (ty, tx) = rest.quotientAndRemainder(dividingBy: tilesX)
        return (b, ty, tx)
    }

    /// `V[ξ] = (Bᵀ d B)[ξ]` of the tile's 6 × 6 input patch (zeros outside the image), eight
    /// channels at a time, written at `v + ξ · stride`.
    func transformInput(tile: Int, input: UnsafePointer<Float>, into v: UnsafeMutablePointer<Float>, stride: Int) {
        let g = geometry
        let c = g.inChannels
        let (b, ty, tx) = position(of: tile)
        let y0 = ty * 4 - g.padTop, x0 = tx * 4 - g.padLeft
        withUnsafeTemporaryAllocation(of: UnsafePointer<Float>?.self, capacity: 36) { pixels in
            for p in 0..<36 {
                let (y, x) = (y0 + p / 6, x0 + p % 6)
                pixels[p] = y >= 0 && y < g.inHeight && x >= 0 && x < g.inWidth
                    ? input + ((b * g.inHeight + y) * g.inWidth + x) * c : nil
            }
            withUnsafeTemporaryAllocation(of: SIMD8<Float>.self, capacity: 72) { scratch in
                let d = scratch.baseAddress!, t = d + 36
                for ch in Swift.stride(from: 0, to: c, by: 8) {
                    let lanes = min(8, c - ch)
                    for p in 0..<36 { d[p] = Self.load(pixels[p].map { $0 + ch }, lanes) }
                    // Bᵀ d (columns j), then (Bᵀ d) B (rows i).
                    for j in 0..<6 {
                        let (d0, d1, d2, d3, d4, d5) = (d[j], d[6 + j], d[12 + j], d[18 + j], d[24 + j], d[30 + j])
                        t[j] = 4 * d0 - 5 * d2 + d4
                        t[6 + j] = -4 * d1 - 4 * d2 + d3 + d4
                        t[12 + j] = 4 * d1 - 4 * d2 - d3 + d4
                        t[18 + j] = -2 * d1 - d2 + 2 * d3 + d4
                        t[24 + j] = 2 * d1 - d2 - 2 * d3 + d4
                        t[30 + j] = 4 * d1 - 5 * d3 + d5
                    }
                    for i in 0..<6 {
                        let r = i * 6
                        let (t0, t1, t2, t3, t4, t5) = (t[r], t[r + 1], t[r + 2], t[r + 3], t[r + 4], t[r + 5])
                        Self.store(4 * t0 - 5 * t2 + t4, v + (r + 0) * stride + ch, lanes)
                        Self.store(-4 * t1 - 4 * t2 + t3 + t4, v + (r + 1) * stride + ch, lanes)
                        Self.store(4 * t1 - 4 * t2 - t3 + t4, v + (r + 2) * stride + ch, lanes)
                        Self.store(-2 * t1 - t2 + 2 * t3 + t4, v + (r + 3) * stride + ch, lanes)
                        Self.store(2 * t1 - t2 - 2 * t3 + t4, v + (r + 4) * stride + ch, lanes)
                        Self.store(4 * t1 - 5 * t3 + t5, v + (r + 5) * stride + ch, lanes)
                    }
                }
            }
        }
    }

    /// Eight floats from `pointer` (zeros past `lanes`, or all zeros for nil).
    @inline(__always)
    static func load(_ pointer: UnsafePointer<Float>?, _ lanes: Int) -> SIMD8<Float> {
        guard let pointer else { return SIMD8() }
        if lanes == 8 { return UnsafeRawPointer(pointer).loadUnaligned(as: SIMD8<Float>.self) }
        var value = SIMD8<Float>()
        for lane in 0..<lanes { value[lane] = pointer[lane] }
        return value
    }

    /// The first `lanes` floats of `value` at `pointer`.
    @inline(__always)
    static func store(_ value: SIMD8<Float>, _ pointer: UnsafeMutablePointer<Float>, _ lanes: Int) {
        if lanes == 8 { return UnsafeMutableRawPointer(pointer).storeBytes(of: value, as: SIMD8<Float>.self) }
        for lane in 0..<lanes { pointer[lane] = value[lane] }
    }

    /// `Y = Aᵀ M A` for every output channel of the tile (products at `m + ξ · stride`), the
    /// pixels inside the output written with the epilogue applied to each.
    func transformOutput(
        tile: Int, products m: UnsafePointer<Float>, stride: Int, scratch y: UnsafeMutablePointer<Float>, epilogue: Epilogue,
        into output: UnsafeMutablePointer<Float>
    ) -> Bool {
        let g = geometry
        let k = g.outChannels
        withUnsafeTemporaryAllocation(of: SIMD8<Float>.self, capacity: 24) { scratch in
            let t = scratch.baseAddress!  // Aᵀ M: 4 × 6
            for ko in Swift.stride(from: 0, to: k, by: 8) {
                let lanes = min(8, k - ko)
                for j in 0..<6 {
                    let m0 = Self.load(m + j * stride + ko, lanes), m1 = Self.load(m + (6 + j) * stride + ko, lanes)
                    let m2 = Self.load(m + (12 + j) * stride + ko, lanes), m3 = Self.load(m + (18 + j) * stride + ko, lanes)
                    let m4 = Self.load(m + (24 + j) * stride + ko, lanes), m5 = Self.load(m + (30 + j) * stride + ko, lanes)
                    t[j] = m0 + m1 + m2 + m3 + m4
                    t[6 + j] = m1 - m2 + 2 * m3 - 2 * m4
                    t[12 + j] = m1 + m2 + 4 * m3 + 4 * m4
                    t[18 + j] = m1 - m2 + 8 * m3 - 8 * m4 + m5
                }
                for i in 0..<4 {
                    let r = i * 6
                    let (t0, t1, t2, t3, t4, t5) = (t[r], t[r + 1], t[r + 2], t[r + 3], t[r + 4], t[r + 5])
                    Self.store(t0 + t1 + t2 + t3 + t4, y + (i * 4 + 0) * k + ko, lanes)
                    Self.store(t1 - t2 + 2 * t3 - 2 * t4, y + (i * 4 + 1) * k + ko, lanes)
                    Self.store(t1 + t2 + 4 * t3 + 4 * t4, y + (i * 4 + 2) * k + ko, lanes)
                    Self.store(t1 - t2 + 8 * t3 - 8 * t4 + t5, y + (i * 4 + 3) * k + ko, lanes)
                }
            }
        }
        let (b, ty, tx) = position(of: tile)
        var finite = true
        for i in 0..<4 where ty * 4 + i < g.outHeight {
            let columns = min(4, g.outWidth - tx * 4)
            let row = output + ((b * g.outHeight + ty * 4 + i) * g.outWidth + tx * 4) * k
            row.update(from: y + i * 4 * k, count: columns * k)
            finite = epilogue.apply(to: row, rows: columns, columns: k) && finite
        }
        return finite
    }
}
