import TensorScopeKernels

/// Batch normalisation for inference with the statistics given, as
/// `tf.compat.v1.nn.fused_batch_norm(x, scale, offset, mean, variance, epsilon,
/// is_training=False)` and Keras's `BatchNormalization` at inference:
/// `(x − mean) · scale / √(variance + ε) + offset` per channel of the last axis (NHWC).
///
/// - Parameters:
///   - x: a tensor of rank 4, `[N, H, W, C]`.
///   - scale: `[C]`, the learned scale (γ); a tensor or a `Variable`, as each of these four.
///   - offset: `[C]`, the learned shift (β).
///   - mean: `[C]`, the moving mean.
///   - variance: `[C]`, the moving variance.
///   - epsilon: added to the variance (default 0.001, TensorFlow's).
///   - name: the op's name under the current name scope, made unique (default
///     `FusedBatchNormV3`).
/// - Throws: `.invalidArgument` (message starting `fusedBatchNorm:`) for another rank, a
///   parameter that is not `[C]`, or a negative or non-finite epsilon.
///
/// Records a `FusedBatchNormV3` op with TensorFlow's six outputs (`y`, then the batch mean and
/// variance — at inference, the given ones — and three reserve spaces) and returns `y`. A
/// `Session` folds it into the convolution before it when the filter and the statistics are
/// constants (a frozen graph's).
public func fusedBatchNorm(
    _ x: some TensorConvertible, scale: some TensorConvertible, offset: some TensorConvertible,
    mean: some TensorConvertible, variance: some TensorConvertible, epsilon: Float = 0.001, name: String? = nil
) throws -> Tensor {
    try runOperation("FusedBatchNormV3", name: name, [
        OpInput("x", x), OpInput("scale", scale), OpInput("offset", offset), OpInput("mean", mean), OpInput("variance", variance),
    ], attributes: .float32([
        "U": .type("DT_FLOAT"), "epsilon": .float(epsilon), "data_format": .string("NHWC"),
        "is_training": .bool(false), "exponential_avg_factor": .float(1),
    ]))
}

/// `FusedBatchNormV3` at inference: `y`, then `mean`, `variance`, `mean`, `variance` and an
/// empty reserve space, as TensorFlow's CPU kernel returns them when not training.
let fusedBatchNormDefinition = OpDefinition("FusedBatchNormV3", outputShapes: { inputs, attributes in
    let x = inputs[0].shape
    guard x.count == 4 else {
        throw TensorScopeError.invalidArgument("fusedBatchNorm", expected: "x of rank 4 (NHWC)", got: "shape \(x)")
    }
    for (input, argument) in zip(inputs.dropFirst(), ["scale", "offset", "mean", "variance"]) where input.shape != [x[3]] {
        throw TensorScopeError.invalidArgument(
            "fusedBatchNorm", expected: "\(argument) of shape [\(x[3])] for x \(x)", got: "shape \(input.shape)")
    }
    let epsilon = try batchNormEpsilon(attributes)
    guard epsilon.isFinite, epsilon >= 0 else {
        throw TensorScopeError.invalidArgument("fusedBatchNorm", expected: "a finite epsilon of at least 0", got: "\(epsilon)")
    }
    if case .bool(true)? = attributes["is_training"] {
        throw TensorScopeError.invalidArgument(
            "fusedBatchNorm", expected: "is_training false (TensorScope runs inference)", got: "is_training true")
    }
    let c = [x[3]]
    return [x, c, c, c, c, [0]]
}, compute: { inputs, attributes, outputs in
    let channels = inputs[1].shape[0]
    let factor = BatchNorm.factors(scale: inputs[1].data, variance: inputs[4].data, epsilon: try batchNormEpsilon(attributes))
    BatchNorm.run(inputs[0].pointer, rows: channels == 0 ? 0 : inputs[0].data.count / channels, mean: inputs[3].pointer,
                  factor: factor, offset: inputs[2].pointer, into: outputs[0].baseAddress!)
    for (k, source) in [(1, 3), (2, 4), (3, 3), (4, 4)] {
        outputs[k].baseAddress!.update(from: inputs[source].pointer, count: channels)
    }
})

/// The `epsilon` attribute (TensorFlow's default 0.0001 when a graph leaves it out).
func batchNormEpsilon(_ attributes: Attributes) throws -> Float {
    attributes.float("epsilon", default: 0.0001)
}
