import TensorScopeKernels

/// Adds a bias vector along the last axis, as `tf.nn.bias_add` (NHWC).
///
/// - Parameters:
///   - value: a tensor of rank ≥ 2, `[…, C]`.
///   - bias: `[C]`.
///   - name: the op's name under the current name scope, made unique (default `BiasAdd`), as
///     TensorFlow's `name=`.
/// - Returns: `value[…, c] + bias[c]`, shaped like `value`. Records a `BiasAdd` op.
/// - Throws: `.invalidArgument` (message starting `biasAdd:`) when `value` has rank < 2, `bias`
///   is not rank 1, or the sizes differ.
public func biasAdd(_ value: some TensorConvertible, _ bias: some TensorConvertible, name: String? = nil) throws -> Tensor {
    try runOperation("BiasAdd", name: name, [OpInput("value", value), OpInput("bias", bias)],
                     attributes: .float32(["data_format": .string("NHWC")]))
}

/// `BiasAdd`: one pass from input to output, the bias repeated along the last axis.
let biasAddDefinition = OpDefinition("BiasAdd", outputShapes: { inputs, _ in
    let (x, b) = (inputs[0].shape, inputs[1].shape)
    guard x.count >= 2 else {
        throw TensorScopeError.invalidArgument("biasAdd", expected: "value of rank at least 2", got: "shape \(x)")
    }
    guard b.count == 1 else {
        throw TensorScopeError.invalidArgument("biasAdd", expected: "bias of rank 1", got: "shape \(b)")
    }
    guard b[0] == x[x.count - 1] else {
        throw TensorScopeError.invalidArgument(
            "biasAdd", expected: "bias of length \(x[x.count - 1]) (the last dimension of value \(x))",
            got: "bias of length \(b[0])")
    }
    return [x]
}, compute: { inputs, _, outputs in
    let (x, b) = (inputs[0].data, inputs[1].data)
    Elementwise.binary(.add, big: x, small: b, period: b.count, smallOnRight: true, into: outputs[0].baseAddress!)
})
