/// What a convolution does to each output tile right after it is computed, while the tile is
/// still in cache: check that every value is finite (a NaN or infinity can only come from a
/// non-finite input or an overflow), add a per-channel bias, clamp at zero.
///
/// All three happen in one pass over the tile, 16 lanes at a time: `acc += v · 0`, which stays 0
/// exactly when every `v` is finite, then `v = v + b` and `v = v < 0 ? 0 : v` (so NaN stays
/// NaN, as `tf.nn.relu` keeps it). The check reads the convolution's own result, before the
/// bias and the rectifier, so the fused op reports what `conv2d` alone would (a `-inf` is not
/// clamped away first).
struct Epilogue: @unchecked Sendable {
    /// `N` values added to every output row, or nil.
    var bias: UnsafePointer<Float>? = nil
    /// Apply `max(x, 0)` after the bias.
    var relu = false
    /// Scan the tile for NaN and infinity (off only when timing the products alone).
    var checksFiniteness = true

    /// - Returns: `false` when some element of the tile is NaN or infinite.
    func apply(to tile: UnsafeMutablePointer<Float>, rows: Int, columns: Int) -> Bool {
        let raw = UnsafeMutableRawPointer(tile)
        var lanes = SIMD16<Float>()
        var tail: Float = 0
        let wide = columns - columns % 16
        for r in 0..<rows {
            let rowOffset = r * columns
            var c = 0
            while c < wide {
                let offset = (rowOffset + c) * 4
                var v = raw.loadUnaligned(fromByteOffset: offset, as: SIMD16<Float>.self)
                lanes += v * 0
                if let bias { v += UnsafeRawPointer(bias).loadUnaligned(fromByteOffset: c * 4, as: SIMD16<Float>.self) }
                if relu { v.replace(with: 0, where: v .< 0) }
                raw.storeBytes(of: v, toByteOffset: offset, as: SIMD16<Float>.self)
                c += 16
            }
            while c < columns {
                var v = tile[rowOffset + c]
                tail += v * 0
                if let bias { v += bias[c] }
                if relu && v < 0 { v = 0 }
                tile[rowOffset + c] = v
                c += 1
            }
        }
        return !checksFiniteness || (lanes.sum() == 0 && tail == 0)
    }
}
