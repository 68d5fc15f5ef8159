import TensorScopeKernels
/// Adds a bias vector along the last axis, as `tf.nn.bias_add` (NHWC).
///
/// - Parameters:
///   - value: a tensor of rank ≥ 2, `[…, C]`.
///   - bias: `[C]`.
/// - Returns: `value[…, c] + bias[c]`, shaped like `value`. Records a `BiasAdd` op.
/// - Throws: `.invalidArgument` (message starting `biasAdd:`) when `value` has rank < 2, `bias`
///   is not rank 1, or the sizes differ.
public func biasAdd(_ value: some TensorConvertible, _ bias: some TensorConvertible) throws -> Tensor {
    try runOperation(
        "BiasAdd", [OpInput("value", value), OpInput("bias", bias)],
        attributes: .float32(["data_format": .string("NHWC")])
    ) { values in
        try biasAddValues(values[0], values[1])
    }
}

private func biasAddValues(_ x: Tensor, _ b: Tensor) throws -> Tensor {
    guard x.rank >= 2 else {
        throw TensorScopeError.invalidArgument("biasAdd", expected: "value of rank at least 2", got: "shape \(x.shape)")
    }
    guard b.rank == 1 else {
        throw TensorScopeError.invalidArgument("biasAdd", expected: "bias of rank 1", got: "shape \(b.shape)")
    }
    guard b.scalarCount == x.shape[x.rank - 1] else {
        throw TensorScopeError.invalidArgument(
            "biasAdd", expected: "bias of length \(x.shape[x.rank - 1]) (the last dimension of value \(x.shape))",
            got: "bias of length \(b.scalarCount)")
    }
    return Tensor(uncheckedShape: x.shape, scalars: addRows(x.scalars, b.scalars))
}
