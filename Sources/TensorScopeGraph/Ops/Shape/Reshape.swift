import TensorScopeKernels
/// The same elements under another shape, as `tf.reshape`: row-major order is kept.
///
/// - Parameters:
///   - tensor: any shape.
///   - shape: the new shape; at most one dimension may be `-1`, which takes whatever size makes
///     the element counts equal.
/// - Throws: `.invalidArgument` (message starting `reshape:`) for more than one `-1`, a
///   dimension below `-1`, a `-1` that no whole size fits, or an element count that differs.
///
/// Records a `Reshape` op (its `shape` input as a constant).
public func reshape(_ tensor: some TensorConvertible, _ shape: [Int]) throws -> Tensor {
    let shapeInput = Tensor(uncheckedShape: [shape.count], scalars: shape.map(Float.init))
    return try runOperation("Reshape", [OpInput("tensor", tensor), OpInput("shape", shapeInput)],
                            attributes: .float32(["Tshape": .type("DT_INT32")])) { values in
        let x = values[0]
        let op = "reshape"
        let wildcards = shape.indices.filter { shape[$0] == -1 }
        guard wildcards.count <= 1, shape.allSatisfy({ $0 >= -1 }) else {
            throw TensorScopeError.invalidArgument(
                op, expected: "dimensions of at least 0, and at most one -1", got: "shape \(shape)")
        }
        var resolved = shape
        if let wildcard = wildcards.first {
            var known = shape
            known[wildcard] = 1
            let rest = try Shapes.elementCount(of: known, op: op)
            guard rest > 0, x.scalarCount % rest == 0 else {
                throw TensorScopeError.invalidArgument(
                    op, expected: "a shape whose -1 a whole size fills (\(x.scalarCount) elements from \(x.shape))",
                    got: "shape \(shape)")
            }
            resolved[wildcard] = x.scalarCount / rest
        }
        let count = try Shapes.elementCount(of: resolved, op: op)
        guard count == x.scalarCount else {
            throw TensorScopeError.invalidArgument(
                op, expected: "a shape with \(x.scalarCount) elements (from \(x.shape))", got: "shape \(shape) with \(count)")
        }
        return Tensor(uncheckedShape: resolved, scalars: x.scalars)
    }
}
