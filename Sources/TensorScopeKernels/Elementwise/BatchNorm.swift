/// Batch normalisation for inference, per channel of the last axis: TensorFlow's
/// `FusedBatchNormV3` with `is_training=False`.
public enum BatchNorm {
    /// Each channel's factor `scale · rsqrt(variance + ε)`, computed as TensorFlow's CPU kernel
    /// computes it.
    public static func factors(scale: UnsafeBufferPointer<Float>, variance: UnsafeBufferPointer<Float>, epsilon: Float) -> [Float] {
        (0..<scale.count).map { 1 / (variance[$0] + epsilon).squareRoot() * scale[$0] }
    }

    /// `(x − mean) · factor + offset` for each of `rows` rows of `factor.count` channels: the
    /// order of TensorFlow's kernel (centre, scale, shift), so the result rounds as it does.
    public static func run(
        _ x: UnsafePointer<Float>, rows: Int, mean: UnsafePointer<Float>, factor: [Float], offset: UnsafePointer<Float>,
        into output: UnsafeMutablePointer<Float>
    ) {
        let channels = factor.count
        factor.withUnsafeBufferPointer { factor in
            for row in 0..<rows {
                let base = row * channels
                for c in 0..<channels { output[base + c] = (x[base + c] - mean[c]) * factor[c] + offset[c] }
            }
        }
    }
}
