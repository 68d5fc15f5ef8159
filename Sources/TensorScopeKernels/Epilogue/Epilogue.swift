import CConvKernels

/// The activations an epilogue applies, as data: each kernel family applies them in one place
/// (the Swift loop below, and the store of each C micro-kernel), so a new activation is a case
/// here and a branch in each of those.
package enum Activation: Equatable, Sendable {
    /// Values stored as computed.
    case none
    /// `max(x, 0)`; NaN stays NaN, as `tf.nn.relu` keeps it.
    case relu

    /// The C kernels' `ts_activation`.
    package var code: Int32 {
        switch self {
        case .none: Int32(TS_ACTIVATION_NONE.rawValue)
        case .relu: Int32(TS_ACTIVATION_RELU.rawValue)
        }
    }
}

/// What a kernel does to each output tile right after it is computed, while the tile is still
/// in cache: check that every value is finite (a NaN or infinity can only come from a
/// non-finite input or an overflow), add a per-channel bias, apply the activation.
///
/// All three happen in one pass over the tile, 16 lanes at a time: `acc += v · 0`, which stays 0
/// exactly when every `v` is finite, then `v = v + b` and the activation. The check reads the
/// kernel's own result, before the bias and the activation, so a fused op reports what the
/// unfused convolution would (a `-inf` is not clamped away first).
package struct Epilogue: @unchecked Sendable {
    /// `N` values added to every output row, or nil.
    package var bias: UnsafePointer<Float>?
    /// Applied after the bias.
    package var activation: Activation
    /// Scan the tile for NaN and infinity (off for a bias add, which has no check to make, and
    /// when timing the products alone).
    package var checksFiniteness: Bool

    package init(bias: UnsafePointer<Float>? = nil, activation: Activation = .none, checksFiniteness: Bool = true) {
        self.bias = bias
        self.activation = activation
        self.checksFiniteness = checksFiniteness
    }

    /// - Returns: `false` when the check is on and some element of the tile is NaN or infinite.
    package func apply(to tile: UnsafeMutablePointer<Float>, rows: Int, columns: Int) -> Bool {
        let raw = UnsafeMutableRawPointer(tile)
        let relu = activation == .relu
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
