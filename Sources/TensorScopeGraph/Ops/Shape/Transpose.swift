import TensorScopeKernels

/// The tensor with its axes permuted, as `tf.transpose(x, perm)`: output axis `i` is input
/// axis `perm[i]` (`[0, 2, 1, 3]` swaps height and width of an NHWC map, as Keras's
/// `Permute((2, 1, 3))` does).
///
/// - Parameters:
///   - x: any tensor.
///   - perm: a permutation of `0..<rank`.
///   - name: the op's name under the current name scope, made unique (default `transpose`).
/// - Throws: `.invalidArgument` (message starting `transpose:`) when `perm` is not a
///   permutation of `x`'s axes.
///
/// Records a `Transpose` op (its `perm` input as an int32 constant).
public func transpose(_ x: some TensorConvertible, perm: [Int], name: String? = nil) throws -> Tensor {
    try runOperation("Transpose", name: name ?? "transpose", [OpInput("x", x), OpInput("perm", integers: perm)],
                     attributes: .float32(["Tperm": .type("DT_INT32")]))
}

/// `Transpose`: the input copied in permuted order.
let transposeDefinition = OpDefinition("Transpose", outputShapes: { inputs, _ in
    [try Transpose.outputShape(inputs[0].shape, perm: try inputs[1].integerValues(op: "transpose"))]
}, compute: { inputs, _, outputs in
    Transpose.run(inputs[0].pointer, shape: inputs[0].shape, perm: try inputs[1].integerValues(op: "transpose", argument: "perm"),
                  into: outputs[0].baseAddress!)
})
