/// Batch normalisation for inference, per channel of the last axis: TensorFlow's
/// `FusedBatchNormV3` with `is_training=False`.
public enum BatchNorm {
    /// Each channel's factor `scale · rsqrt(variance + ε)`, computed as TensorFlow's CPU kernel
    /// computes it.
    public static func factors(scale: UnsafeBufferPointer<Float>, variance: UnsafeBufferPointer<Float>, epsilon: Float) -> [Float] {
        (0..<scale.count).map { 1 / (variance[$0] + epsilon).squareRoot() * scale[$0] }
    }

    /// A convolution's filter (and bias, if any) with the batch norm after it folded in: filter
    /// element `i` belongs to output channel `i % channels` (HWIO's last axis; a depthwise
    /// filter's last two) and is scaled by that channel's factor; the shift is
    /// `(bias − mean) · factor + offset`. Equal to the unfolded ops up to rounding (the products
    /// are reordered).
    public static func fold(
        filter: [Float], bias: [Float]?, scale: [Float], offset: [Float], mean: [Float], variance: [Float], epsilon: Float
    ) -> (filter: [Float], shift: [Float]) {
        let factor = scale.withUnsafeBufferPointer { s in
            variance.withUnsafeBufferPointer { factors(scale: s, variance: $0, epsilon: epsilon) }
        }
        let channels = factor.count
        let folded = scaleChannels(filter, by: factor)
        let shift = (0..<channels).map { c -> Float in
            let centred: Float = (bias?[c] ?? 0) - mean[c]
            return centred * factor[c] + offset[c]
        }
        return (folded, shift)
    }

    /// A filter with each output channel scaled: element `i` (of channel `i % factor.count`)
    /// times that channel's factor.
    public static func scaleChannels(_ filter: [Float], by factor: [Float]) -> [Float] {
        var scaled = filter
        for i in scaled.indices { scaled[i] *= factor[i % factor.count] }
        return scaled
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
