/// What a convolution does to each output tile right after its `sgemm`, while the tile is
/// still in cache: add a per-channel bias, clamp at zero, and check that every value is
/// finite (a NaN or infinity can only come from a non-finite input or an overflow).
struct Epilogue: @unchecked Sendable {
    /// `N` values added to every output row, or nil.
    var bias: UnsafePointer<Float>? = nil
    /// Apply `max(x, 0)` after the bias.
    var relu = false
    /// Scan the tile for NaN and infinity (off only when timing the products alone).
    var checksFiniteness = true

    /// - Returns: `false` when some element of the tile is NaN or infinite.
    func apply(to tile: UnsafeMutablePointer<Float>, rows: Int, columns: Int) -> Bool {
        if let bias {
            for r in 0..<rows {
                let row = tile + r * columns
                for c in 0..<columns { row[c] += bias[c] }
            }
        }
        if relu {
            for i in 0..<(rows * columns) where tile[i] < 0 { tile[i] = 0 }
        }
        guard checksFiniteness else { return true }
        return Finiteness.allFinite(UnsafePointer(tile), count: rows * columns)
    }
}
