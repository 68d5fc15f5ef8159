import TensorScopeKernels

/// The tensors joined along `axis`, as `tf.concat(values, axis)`: every other dimension equal.
///
/// - Parameters:
///   - values: one or more tensors of one rank (≥ 1).
///   - axis: in `-rank..<rank`.
///   - name: the op's name under the current name scope, made unique (default `concat`).
/// - Throws: `.invalidArgument` (message starting `concat:`) for no tensors, unequal ranks or
///   other dimensions, or an axis out of range.
///
/// Records a `ConcatV2` op: the tensors, then the axis as an int32 constant.
public func concat(_ values: [Tensor], axis: Int, name: String? = nil) throws -> Tensor {
    let inputs = values.enumerated().map { OpInput("values_\($0.offset)", $0.element) }
    return try runOperation("ConcatV2", name: name ?? "concat", inputs + [OpInput("axis", integers: [axis], scalar: true)],
                            attributes: .float32(["N": .int(values.count), "Tidx": .type("DT_INT32")]))
}

/// The axis of a `ConcatV2` (its last input), made non-negative for tensors of `rank`.
private func concatAxis(_ axis: OpInputOrArgument, rank: Int) throws -> Int {
    let values = try axis.integers()
    guard values.count == 1, (-rank..<max(rank, 1)).contains(values[0]) else {
        throw TensorScopeError.invalidArgument("concat", expected: "one axis in -\(rank)..<\(rank)", got: "\(values)")
    }
    return values[0] < 0 ? values[0] + rank : values[0]
}

/// Either kind of argument, for reading the axis in both `outputShapes` and `compute`.
private enum OpInputOrArgument {
    case input(OpInput)
    case argument(KernelArgument)

    func integers() throws -> [Int] {
        switch self {
        case .input(let input): try input.integerValues(op: "concat")
        case .argument(let argument): try argument.integerValues(op: "concat", argument: "axis")
        }
    }
}

/// `ConcatV2`: each input's slabs copied into place.
let concatDefinition = OpDefinition("ConcatV2", outputShapes: { inputs, _ in
    guard inputs.count >= 2 else {
        throw TensorScopeError.invalidArgument("concat", expected: "at least one tensor", got: "none")
    }
    let tensors = inputs.dropLast().map(\.shape)
    return [try Concat.outputShape(tensors, axis: try concatAxis(.input(inputs[inputs.count - 1]), rank: tensors[0].count))]
}, compute: { inputs, _, outputs in
    let tensors = inputs.dropLast()
    let axis = try concatAxis(.argument(inputs[inputs.count - 1]), rank: tensors.first!.shape.count)
    Concat.run(tensors.map { ($0.pointer, $0.shape) }, axis: axis, into: outputs[0].baseAddress!)
})
