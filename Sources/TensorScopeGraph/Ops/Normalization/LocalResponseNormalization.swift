import TensorScopeKernels

/// Local response normalisation across channels, as `tf.nn.lrn`: `x / (bias + alpha · Σ x²)^beta`,
/// the sum over the channels within `depthRadius` of each one, in the same pixel.
///
/// - Parameters:
///   - x: a tensor of rank 4, `[N, H, W, C]`.
///   - depthRadius: the half-width of the window over channels (default 5, TensorFlow's).
///   - bias: added to the scaled sum (default 1).
///   - alpha: the sum's scale (default 1).
///   - beta: the exponent (default 0.5).
///   - name: the op's name under the current name scope, made unique (default `LRN`).
/// - Throws: `.invalidArgument` (message starting `lrn:`) for another rank, a negative radius
///   or a non-finite bias, alpha or beta.
///
/// Records an `LRN` op with attributes `depth_radius`, `bias`, `alpha`, `beta`.
public func localResponseNormalization(
    _ x: some TensorConvertible, depthRadius: Int = 5, bias: Float = 1, alpha: Float = 1, beta: Float = 0.5, name: String? = nil
) throws -> Tensor {
    try runOperation("LRN", name: name ?? "LRN", [OpInput("input", x)], attributes: .float32([
        "depth_radius": .int(depthRadius), "bias": .float(bias), "alpha": .float(alpha), "beta": .float(beta),
    ]))
}

/// The attributes of an `LRN`, with TensorFlow's defaults for those a graph leaves out.
private func lrnParameters(_ attributes: Attributes) throws -> LocalResponseNorm.Parameters {
    try LocalResponseNorm.Parameters(
        depthRadius: attributes.int("depth_radius", default: 5), bias: attributes.float("bias", default: 1),
        alpha: attributes.float("alpha", default: 1), beta: attributes.float("beta", default: 0.5))
}

/// `LRN`: every pixel's channels normalised.
let lrnDefinition = OpDefinition("LRN", outputShapes: { inputs, attributes in
    guard inputs[0].shape.count == 4 else {
        throw TensorScopeError.invalidArgument("lrn", expected: "input of rank 4 (NHWC)", got: "shape \(inputs[0].shape)")
    }
    _ = try lrnParameters(attributes)
    return [inputs[0].shape]
}, compute: { inputs, attributes, outputs in
    let channels = inputs[0].shape[3]
    LocalResponseNorm.run(inputs[0].pointer, rows: channels == 0 ? 0 : inputs[0].data.count / channels, channels: channels,
                          try lrnParameters(attributes), into: outputs[0].baseAddress!)
})
