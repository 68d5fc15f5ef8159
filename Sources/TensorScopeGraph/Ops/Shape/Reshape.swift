import TensorScopeKernels

/// The same elements under another shape, as `tf.reshape`: row-major order is kept.
///
/// - Parameters:
///   - tensor: any shape.
///   - shape: the new shape; at most one dimension may be `-1`, which takes whatever size makes
///     the element counts equal.
///   - name: the op's name under the current name scope, made unique (default `Reshape`), as
///     TensorFlow's `name=`.
/// - Throws: `.invalidArgument` (message starting `reshape:`) for more than one `-1`, a
///   dimension below `-1`, a `-1` that no whole size fits, or an element count that differs.
///
/// Records a `Reshape` op (its `shape` input as a constant).
public func reshape(_ tensor: some TensorConvertible, _ shape: [Int], name: String? = nil) throws -> Tensor {
    try runOperation("Reshape", name: name, [OpInput("tensor", tensor), OpInput("shape", integers: shape)],
                     attributes: .float32(["Tshape": .type("DT_INT32")]))
}

/// `Reshape`: the input's storage under the new shape; nothing is copied.
let reshapeDefinition = OpDefinition("Reshape", forwardsInput: 0, outputShapes: { inputs, _ in
    [try resolvedShape(try inputs[1].integerValues(op: "reshape"), count: inputs[0].shape.reduce(1, *), of: inputs[0].shape)]
})

/// `shape` with its `-1` filled in for `count` elements of a tensor of `from`.
private func resolvedShape(_ shape: [Int], count: Int, of from: [Int]) throws -> [Int] {
    let op = "reshape"
    let wildcards = shape.indices.filter { shape[$0] == -1 }
    guard wildcards.count <= 1, shape.allSatisfy({ $0 >= -1 }) else {
        throw TensorScopeError.invalidArgument(op, expected: "dimensions of at least 0, and at most one -1", got: "shape \(shape)")
    }
    var resolved = shape
    if let wildcard = wildcards.first {
        var known = shape
        known[wildcard] = 1
        let rest = try Shapes.elementCount(of: known, op: op)
        guard rest > 0, count % rest == 0 else {
            throw TensorScopeError.invalidArgument(
                op, expected: "a shape whose -1 a whole size fills (\(count) elements from \(from))", got: "shape \(shape)")
        }
        resolved[wildcard] = count / rest
    }
    let resolvedCount = try Shapes.elementCount(of: resolved, op: op)
    guard resolvedCount == count else {
        throw TensorScopeError.invalidArgument(
            op, expected: "a shape with \(count) elements (from \(from))", got: "shape \(shape) with \(resolvedCount)")
    }
    return resolved
}
