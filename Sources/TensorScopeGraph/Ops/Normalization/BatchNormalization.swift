import TensorScopeKernels

/// Batch normalisation with the statistics given, as `tf.nn.batch_normalization`:
/// `(x − mean) · scale / √(variance + ε) + offset`, written out of TensorFlow's own ops in its
/// order — `inv = rsqrt(variance + ε) · scale`, then `x · inv + (offset − mean · inv)` — so it
/// rounds as TensorFlow rounds and records the same graph.
///
/// - Parameters:
///   - x: any tensor.
///   - mean: the statistics and parameters below, each a tensor or a `Variable` of `x`'s
///     shape, a scalar, or a vector over `x`'s last axis (`[C]`, as a moving mean is).
///   - variance: as `mean`.
///   - offset: the shift β, as `mean`.
///   - scale: the scale γ, as `mean`.
///   - varianceEpsilon: added to the variance.
///   - name: the name scope of the ops (default `batchnorm`, made unique).
/// - Throws: `.invalidArgument` (message starting `batchNormalization:`) for a parameter whose
///   shape does not fit `x`.
///
/// Records under `batchnorm/`: `add` (variance + ε), `Rsqrt`, `mul` (· scale), `mul_1` (x · inv),
/// `mul_2` (mean · inv), `sub`, `add_1` — TensorFlow's seven ops. For a `FusedBatchNormV3`,
/// which a `Session` can fold into a convolution, see `fusedBatchNorm`.
public func batchNormalization(
    _ x: some TensorConvertible, mean: some TensorConvertible, variance: some TensorConvertible,
    offset: some TensorConvertible, scale: some TensorConvertible, varianceEpsilon: Float, name: String? = nil
) throws -> Tensor {
    let shape = x.tensorValue.shape
    for (argument, value) in [("mean", mean.tensorValue), ("variance", variance.tensorValue), ("offset", offset.tensorValue),
                              ("scale", scale.tensorValue)] {
        let fits = (try? Broadcast.layout(shape, value.shape, op: "batchNormalization"))?.shape == shape
        guard fits else {
            throw TensorScopeError.invalidArgument(
                "batchNormalization", expected: "\(argument) of shape \(shape), a scalar, or [\(shape.last.map(String.init) ?? "C")]",
                got: "shape \(value.shape)")
        }
    }
    return try nameScope(name ?? "batchnorm") {
        let inv = try multiply(rsqrt(add(variance, Tensor(varianceEpsilon))), scale)
        return try add(multiply(x, inv), subtract(offset, multiply(mean, inv)))
    }
}
