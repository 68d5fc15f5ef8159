import TensorScopeKernels

/// A symbolic tensor to feed when the graph runs, as `tf.compat.v1.placeholder(tf.float32,
/// shape, name=)`: ops on it record themselves and compute nothing; `Session.run` computes them
/// with the tensor given for it in `feeds` (keyed by this op's name).
///
/// - Parameters:
///   - shape: each dimension's size, `nil` where it is known only when fed (a batch).
///   - name: the op's name under the current name scope, made unique as TensorFlow makes it.
/// - Returns: a symbolic tensor (`isSymbolic`) of `shape`, `-1` for each `nil`.
/// - Throws: `.invalidArgument` for a negative dimension or a graph that does not record
///   operations; `.invalidName` for a name TensorFlow rejects.
///
/// Records a `Placeholder` op with TensorFlow's attributes (`dtype`, `shape`).
public func placeholder(shape: [Int?], name: String = "Placeholder") throws -> Tensor {
    let dims = shape.map { $0 ?? -1 }
    guard shape.allSatisfy({ ($0 ?? 0) >= 0 }) else {
        throw TensorScopeError.invalidArgument(
            "placeholder", expected: "dimensions of at least 0, or nil for unknown", got: "shape \(shape)")
    }
    let context = ScopeContext.current
    try NameRules.validateScopeName(name, underStack: context.nameStack)
    guard !name.isEmpty else {
        throw TensorScopeError(.invalidName, "placeholder: expected a name, got \"\"")
    }
    let op = PendingOperation("Placeholder", name: name, [], attributes: [
        "dtype": .type("DT_FLOAT"), "shape": .shape(dims),
    ])
    guard op.record != nil else {
        throw TensorScopeError.invalidArgument(
            "placeholder", expected: "a graph that records operations", got: "recordsOperations == false")
    }
    return Tensor(symbolicShape: dims, producer: op.finish(outputShape: dims))
}
