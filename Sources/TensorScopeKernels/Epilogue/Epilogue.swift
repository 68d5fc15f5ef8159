import CConvKernels
import Foundation

/// The activations an epilogue applies, as data: each kernel family applies them in one place
/// (the Swift loop below, and the store of each C micro-kernel), so a new activation is a case
/// here and a branch in each of those.
package enum Activation: Equatable, Sendable {
    /// Values stored as computed.
    case none
    /// `max(x, 0)`; NaN stays NaN, as `tf.nn.relu` keeps it.
    case relu
    /// `min(max(x, 0), 6)`, as `tf.nn.relu6`.
    case relu6
    /// `x` for `x > 0`, else `alpha · x`, as `tf.nn.leaky_relu`.
    case leakyRelu(alpha: Float)
    /// `x` for `x > 0`, else `slope[c] · x` with the epilogue's per-channel `slopes`, as Keras's
    /// `PReLU` shared over every axis but the channels.
    case prelu
    /// `x` for `x ≥ 0`, else `eˣ − 1`, as `tf.nn.elu`.
    case elu

    /// The C kernels' `ts_activation` (leaky ReLU is PReLU with every slope `alpha`).
    package var code: Int32 {
        switch self {
        case .none: Int32(TS_ACTIVATION_NONE.rawValue)
        case .relu: Int32(TS_ACTIVATION_RELU.rawValue)
        case .relu6: Int32(TS_ACTIVATION_RELU6.rawValue)
        case .leakyRelu, .prelu: Int32(TS_ACTIVATION_PRELU.rawValue)
        case .elu: Int32(TS_ACTIVATION_ELU.rawValue)
        }
    }

    /// The activation of one value; `slope` is its channel's for `.prelu`.
    @inline(__always)
    package func callAsFunction(_ v: Float, slope: Float) -> Float {
        switch self {
        case .none: v
        case .relu: v < 0 ? 0 : v
        case .relu6: v < 0 ? 0 : (v > 6 ? 6 : v)
        case .leakyRelu(let alpha): v > 0 ? v : v * alpha
        case .prelu: v > 0 ? v : v * slope
        case .elu: v < 0 ? Foundation.exp(v) - 1 : v
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
    /// `N` per-channel slopes for `.prelu`; nil otherwise.
    package var slopes: UnsafePointer<Float>?
    /// Scan the tile for NaN and infinity (off for a bias add, which has no check to make, and
    /// when timing the products alone).
    package var checksFiniteness: Bool
    /// Max pooling after the activation, for a convolution whose output only a `MaxPool` reads:
    /// the output is then the pooled one (`maxPool.outputShape`); an algorithm takes it into its
    /// own pass where it can (`Conv2DOperator.pools`), the runner pools after it otherwise. Nil
    /// for none.
    package var maxPool: PoolGeometry?

    package init(
        bias: UnsafePointer<Float>? = nil, activation: Activation = .none, slopes: UnsafePointer<Float>? = nil,
        checksFiniteness: Bool = true, maxPool: PoolGeometry? = nil
    ) {
        precondition(activation != .prelu || slopes != nil, "internal: a PReLU epilogue without slopes")
        self.bias = bias
        self.activation = activation
        self.slopes = slopes
        self.checksFiniteness = checksFiniteness
        self.maxPool = maxPool
    }

    /// Calls `body` with the bias padded to whole blocks of `blockWidth` channels, as the C
    /// kernels read it (`packed_bias`); for PReLU and leaky ReLU each block's slopes follow its
    /// biases. Nil when there is neither bias nor slopes. The padded copy is temporary (on the
    /// stack when small): a `malloc` and `free` per convolution were a tenth of a small net's
    /// per-layer overhead.
    package func withPaddedBias<R>(
        channels: Int, blockWidth: Int, _ body: (UnsafePointer<Float>?) throws -> R
    ) rethrows -> R {
        let slopesFollow = activation.code == Int32(TS_ACTIVATION_PRELU.rawValue)
        guard bias != nil || slopesFollow else { return try body(nil) }
        let alpha: Float = if case .leakyRelu(let alpha) = activation { alpha } else { 0 }
        let blocks = (channels + blockWidth - 1) / blockWidth
        let stride = slopesFollow ? 2 * blockWidth : blockWidth
        return try withUnsafeTemporaryAllocation(of: Float.self, capacity: max(1, blocks * stride)) { padded in
            padded.initialize(repeating: 0)
            // Block by block, each a run of channels (a division per channel cost 700
            // instructions for 26 channels, on every run of a Session).
            for block in 0..<blocks {
                let first = block * blockWidth, width = min(blockWidth, channels - first)
                let out = padded.baseAddress! + block * stride
                if let bias { out.update(from: bias + first, count: width) }
                guard slopesFollow else { continue }
                if let slopes {
                    (out + blockWidth).update(from: slopes + first, count: width)
                } else {
                    (out + blockWidth).update(repeating: alpha, count: width)
                }
            }
            return try body(UnsafePointer(padded.baseAddress!))
        }
    }

    /// Calls `body` with the per-channel slopes the Winograd kernels read
    /// (`TS_ACTIVATION_PRELU`): PReLU's `slopes`, `channels` copies of leaky ReLU's alpha, nil
    /// for the other activations.
    package func withChannelSlopes<R>(channels: Int, _ body: (UnsafePointer<Float>?) -> R) -> R {
        guard case .leakyRelu(let alpha) = activation else { return body(slopes) }
        return withUnsafeTemporaryAllocation(of: Float.self, capacity: max(1, channels)) { buffer in
            buffer.initialize(repeating: alpha)
            return body(UnsafePointer(buffer.baseAddress!))
        }
    }

    /// - Returns: `false` when the check is on and some element of the tile is NaN or infinite.
    package func apply(to tile: UnsafeMutablePointer<Float>, rows: Int, columns: Int) -> Bool {
        let raw = UnsafeMutableRawPointer(tile)
        var lanes = SIMD16<Float>()
        var tail: Float = 0
        let simple = activation == .none || activation == .relu
        let relu = activation == .relu
        let wide = simple ? columns - columns % 16 : 0
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
                tile[rowOffset + c] = activation(v, slope: slopes?[c] ?? 0)
                c += 1
            }
        }
        return !checksFiniteness || (lanes.sum() == 0 && tail == 0)
    }
}
