import TensorScopeKernels

/// Softmax along the last axis, as `tf.nn.softmax`: `y[…, i] = e^(x[…, i] − m) / Σ_j e^(x[…, j] − m)`
/// with `m` the row's maximum, so no exponential overflows.
///
/// - Throws: `.invalidArgument` (message starting `softmax:`) for a scalar input.
///
/// Records a `Softmax` op.
public func softmax(_ logits: some TensorConvertible, name: String? = nil) throws -> Tensor {
    try runOperation("Softmax", name: name, [OpInput("logits", logits)], attributes: .float32)
}

let softmaxDefinition = OpDefinition("Softmax", outputShapes: { inputs, _ in
    guard inputs[0].shape.count >= 1 else {
        throw TensorScopeError.invalidArgument("softmax", expected: "a tensor of rank at least 1", got: "a scalar")
    }
    return [inputs[0].shape]
}, compute: { inputs, _, outputs in
    let x = inputs[0]
    Softmax.run(x.data, width: x.shape[x.shape.count - 1], into: outputs[0].baseAddress!)
})

/// The index of the largest value along `axis`, as `tf.argmax` (the first, on ties).
///
/// - Parameters:
///   - input: rank ≥ 1.
///   - axis: `0..<rank`, or negative from the end (`-1` is the last axis).
///   - name: the op's name under the current name scope, made unique (default `ArgMax`), as
///     TensorFlow's `name=`.
/// - Returns: the indices in row-major order of the input's shape without `axis`
///   (`[batch]` for `argmax(logits, axis: 1)` of `[batch, classes]`).
/// - Throws: `.invalidArgument` (message starting `argmax:`) for a scalar, an axis out of range,
///   or an empty axis.
///
/// Records an `ArgMax` op (its `dimension` as a constant input).
public func argmax(_ input: some TensorConvertible, axis: Int, name: String? = nil) throws -> [Int] {
    let value = input.tensorValue
    try value.requireValues("argmax")
    let indices = try runOperation(
        "ArgMax", name: name, [OpInput("input", input), OpInput("dimension", integers: [axis], scalar: true)],
        attributes: .float32(["Tidx": .type("DT_INT32"), "output_type": .type("DT_INT64")]))
    return indices.scalars.map { Int($0) }
}

/// `ArgMax`: the indices as floats (exact below 2²⁴), the axis from the `dimension` input.
let argMaxDefinition = OpDefinition("ArgMax", outputShapes: { inputs, _ in
    let axis = try argMaxAxis(inputs[0].shape, inputs[1].integerValues(op: "argmax"))
    var shape = inputs[0].shape
    shape.remove(at: axis)
    return [shape]
}, compute: { inputs, _, outputs in
    let axis = try argMaxAxis(inputs[0].shape, inputs[1].integerValues(op: "argmax", argument: "dimension"))
    let x = inputs[0]
    let inner = x.shape[(axis + 1)...].reduce(1, *), outer = x.shape[..<axis].reduce(1, *)
    ArgMax.run(x.pointer, outer: outer, size: x.shape[axis], inner: inner, into: outputs[0].baseAddress!)
})

/// The input of an `ArgMax` and its axis (`0..<rank`), checked.
private func argMaxAxis(_ shape: [Int], _ dimension: [Int]) throws -> Int {
    let rank = shape.count
    guard let axis = dimension.first else {
        throw TensorScopeError.invalidArgument("argmax", expected: "a dimension value", got: "none")
    }
    guard rank >= 1 else {
        throw TensorScopeError.invalidArgument("argmax", expected: "a tensor of rank at least 1", got: "a scalar")
    }
    guard (-rank..<rank).contains(axis) else {
        throw TensorScopeError.invalidArgument("argmax", expected: "an axis in \(-rank)..<\(rank)", got: "axis \(axis) for shape \(shape)")
    }
    let a = axis < 0 ? axis + rank : axis
    guard shape[a] > 0 else {
        throw TensorScopeError.invalidArgument("argmax", expected: "a non-empty axis", got: "axis \(axis) of shape \(shape)")
    }
    return a
}
