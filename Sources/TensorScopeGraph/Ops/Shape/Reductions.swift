import TensorScopeKernels

/// The mean over `axes`, as `tf.reduce_mean(x, axes, keepdims)` (summed in Double).
///
/// - Parameters:
///   - x: any tensor.
///   - axes: the axes to reduce, each in `-rank..<rank`; empty for all of them.
///   - keepDims: keep each reduced axis as a dimension of 1.
///   - name: the op's name under the current name scope, made unique (default `Mean`).
/// - Throws: `.invalidArgument` (message starting `reduceMean:`) for an axis out of range.
///
/// Records a `Mean` op (its axes as an int32 constant, `keep_dims` an attribute).
public func reduceMean(_ x: some TensorConvertible, axes: [Int], keepDims: Bool = false, name: String? = nil) throws -> Tensor {
    try reduction("Mean", x, axes: axes, keepDims: keepDims, name: name)
}

/// The sum over `axes`, as `tf.reduce_sum` (in Double); arguments as `reduceMean`'s. Records `Sum`.
///
/// - Parameters:
///   - x: any tensor.
///   - axes: the axes to reduce, each in `-rank..<rank`; empty for all of them.
///   - keepDims: keep each reduced axis as a dimension of 1.
///   - name: the op's name (default `Sum`).
public func reduceSum(_ x: some TensorConvertible, axes: [Int], keepDims: Bool = false, name: String? = nil) throws -> Tensor {
    try reduction("Sum", x, axes: axes, keepDims: keepDims, name: name)
}

/// The maximum over `axes`, as `tf.reduce_max` (NaN if any element is); arguments as
/// `reduceMean`'s. Records `Max`.
///
/// - Parameters:
///   - x: any tensor.
///   - axes: the axes to reduce, each in `-rank..<rank`; empty for all of them.
///   - keepDims: keep each reduced axis as a dimension of 1.
///   - name: the op's name (default `Max`).
public func reduceMax(_ x: some TensorConvertible, axes: [Int], keepDims: Bool = false, name: String? = nil) throws -> Tensor {
    try reduction("Max", x, axes: axes, keepDims: keepDims, name: name)
}

private func reduction(_ type: String, _ x: some TensorConvertible, axes: [Int], keepDims: Bool, name: String?) throws -> Tensor {
    try runOperation(type, name: name, [OpInput("input", x), OpInput("reduction_indices", integers: axes)],
                     attributes: .float32(["keep_dims": .bool(keepDims), "Tidx": .type("DT_INT32")]))
}

private func reductionDefinition(_ type: String, _ kind: Reduce.Kind, op: String) -> OpDefinition {
    OpDefinition(type, outputShapes: { inputs, attributes in
        [try Reduce.plan(inputs[0].shape, axes: try inputs[1].integerValues(op: op), keepDims: attributes.bool("keep_dims"), op: op).shape]
    }, compute: { inputs, attributes, outputs in
        let plan = try Reduce.plan(inputs[0].shape, axes: try inputs[1].integerValues(op: op, argument: "reduction_indices"),
                                   keepDims: attributes.bool("keep_dims"), op: op)
        guard let output = outputs[0].baseAddress else { return }  // nothing to write
        guard let input = inputs[0].data.baseAddress, !inputs[0].data.isEmpty else {
            // Reducing no elements: TensorFlow's identities.
            output.update(repeating: kind == .sum ? 0 : kind == .max ? -.infinity : .nan, count: outputs[0].count)
            return
        }
        Reduce.run(kind, input, shape: inputs[0].shape, axes: plan.axes, into: output)
    })
}

let meanDefinition = reductionDefinition("Mean", .mean, op: "reduceMean")
let sumDefinition = reductionDefinition("Sum", .sum, op: "reduceSum")
let maxDefinition = reductionDefinition("Max", .max, op: "reduceMax")
