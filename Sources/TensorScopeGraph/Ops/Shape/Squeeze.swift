import TensorScopeKernels

/// The tensor without the size-1 dimensions `axes` names, as `tf.squeeze(x, axis)`; with no
/// axes, without every size-1 dimension. Nothing is copied.
///
/// - Parameters:
///   - x: any tensor.
///   - axes: dimensions of size 1 to drop, each in `-rank..<rank`; empty for all of them.
///   - name: the op's name under the current name scope, made unique (default `Squeeze`).
/// - Throws: `.invalidArgument` (message starting `squeeze:`) for an axis out of range or of
///   a dimension that is not 1.
///
/// Records a `Squeeze` op with its `squeeze_dims` attribute.
public func squeeze(_ x: some TensorConvertible, axes: [Int] = [], name: String? = nil) throws -> Tensor {
    try runOperation("Squeeze", name: name, [OpInput("input", x)], attributes: .float32(["squeeze_dims": .ints(axes)]))
}

/// The tensor with a dimension of size 1 inserted at `axis`, as `tf.expand_dims(x, axis)`.
/// Nothing is copied.
///
/// - Parameters:
///   - x: any tensor.
///   - axis: where the new dimension goes, in `-(rank + 1)...rank` (`-1`: last).
///   - name: the op's name under the current name scope, made unique (default `ExpandDims`).
/// - Throws: `.invalidArgument` (message starting `expandDims:`) for an axis out of range.
///
/// Records an `ExpandDims` op (its `dim` input as an int32 constant).
public func expandDims(_ x: some TensorConvertible, axis: Int, name: String? = nil) throws -> Tensor {
    try runOperation("ExpandDims", name: name, [OpInput("input", x), OpInput("dim", integers: [axis], scalar: true)],
                     attributes: .float32(["Tdim": .type("DT_INT32")]))
}

/// `Squeeze`: the input's storage under the shape without the named size-1 dimensions.
let squeezeDefinition = OpDefinition("Squeeze", forwardsInput: 0, outputShapes: { inputs, attributes in
    let shape = inputs[0].shape
    let axes: [Int] = if case .ints(let given)? = attributes["squeeze_dims"] { given } else { [] }
    guard !axes.isEmpty else { return [shape.filter { $0 != 1 }] }
    var drop = Set<Int>()
    for axis in axes {
        guard (-shape.count..<shape.count).contains(axis) else {
            throw TensorScopeError.invalidArgument("squeeze", expected: "axes in -\(shape.count)..<\(shape.count) for shape \(shape)", got: "axis \(axis)")
        }
        let index = axis < 0 ? axis + shape.count : axis
        guard shape[index] == 1 else {
            throw TensorScopeError.invalidArgument("squeeze", expected: "dimension \(index) of \(shape) to be 1", got: "\(shape[index])")
        }
        drop.insert(index)
    }
    return [shape.enumerated().filter { !drop.contains($0.offset) }.map(\.element)]
})

/// `ExpandDims`: the input's storage under the shape with a 1 inserted.
let expandDimsDefinition = OpDefinition("ExpandDims", forwardsInput: 0, outputShapes: { inputs, _ in
    let shape = inputs[0].shape
    let values = try inputs[1].integerValues(op: "expandDims")
    guard values.count == 1, (-(shape.count + 1)...shape.count).contains(values[0]) else {
        throw TensorScopeError.invalidArgument(
            "expandDims", expected: "one axis in -\(shape.count + 1)...\(shape.count) for shape \(shape)", got: "\(values)")
    }
    var result = shape
    result.insert(1, at: values[0] < 0 ? values[0] + shape.count + 1 : values[0])
    return [result]
})
