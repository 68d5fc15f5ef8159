import Foundation

/// Local response normalisation across channels, as `tf.nn.lrn`: each element divided by
/// `(bias + alpha · Σ x²)^beta`, the sum over the `2 · depthRadius + 1` channels around it in
/// the same pixel (fewer at the edges).
public enum LocalResponseNorm {
    /// The attributes, checked.
    public struct Parameters: Sendable, Equatable {
        /// The half-width of the window over channels.
        public let depthRadius: Int
        /// Added to the scaled sum.
        public let bias: Float
        /// The sum's scale.
        public let alpha: Float
        /// The exponent.
        public let beta: Float

        /// Checks the attributes.
        ///
        /// - Throws: `.invalidArgument` (message starting `lrn:`) for a negative radius or a
        ///   non-finite bias, alpha or beta.
        public init(depthRadius: Int, bias: Float, alpha: Float, beta: Float) throws {
            guard depthRadius >= 0, depthRadius <= Int(Int32.max) else {
                throw TensorScopeError.invalidArgument("lrn", expected: "depth_radius in 0...\(Int32.max)", got: "\(depthRadius)")
            }
            for (name, value) in [("bias", bias), ("alpha", alpha), ("beta", beta)] where !value.isFinite {
                throw TensorScopeError.invalidArgument("lrn", expected: "a finite \(name)", got: "\(value)")
            }
            (self.depthRadius, self.bias, self.alpha, self.beta) = (depthRadius, bias, alpha, beta)
        }
    }

    /// Rows of this many pixels make one chunk on the workers.
    static let rowsPerChunk = 256

    /// Normalises `rows` pixels of `channels` values each from `input` into `output`. The
    /// window sums come from a running sum of squares in `Double`, so a wide radius costs no
    /// more than a narrow one and rounds no worse; the power is taken as TensorFlow's CPU kernel
    /// takes it (`rsqrt` for beta 0.5, a reciprocal for 1, `exp(−beta · log)` otherwise).
    public static func run(
        _ input: UnsafePointer<Float>, rows: Int, channels: Int, _ p: Parameters, into output: UnsafeMutablePointer<Float>
    ) {
        guard rows > 0, channels > 0 else { return }
        let chunks = (rows + rowsPerChunk - 1) / rowsPerChunk
        parallelChunks(count: chunks) { chunk in
            var prefix = [Double](repeating: 0, count: channels + 1)
            for row in (chunk * rowsPerChunk)..<min(rows, (chunk + 1) * rowsPerChunk) {
                let x = input.advanced(by: row * channels), y = output.advanced(by: row * channels)
                for c in 0..<channels { prefix[c + 1] = prefix[c] + Double(x[c]) * Double(x[c]) }
                // An infinity or NaN would spoil every later difference of the running sum:
                // such a row sums each window on its own.
                let finite = prefix[channels].isFinite
                for c in 0..<channels {
                    let low = max(0, c - p.depthRadius), high = min(channels, c + p.depthRadius + 1)
                    let sum = Float(finite ? prefix[high] - prefix[low] : (low..<high).reduce(0.0) { $0 + Double(x[$1]) * Double(x[$1]) })
                    let base = sum * p.alpha + p.bias
                    let factor: Float = switch p.beta {
                    case 0.5: 1 / base.squareRoot()
                    case 1: 1 / base
                    default: Foundation.exp(Foundation.log(base) * -p.beta)
                    }
                    y[c] = x[c] * factor
                }
            }
        }
    }
}
