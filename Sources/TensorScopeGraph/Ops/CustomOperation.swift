import TensorScopeKernels

/// Runs an op of your own as one recorded op: named under the current name scope like any
/// other (`name ?? type`, made unique), with its input edges and attributes, so it shows in
/// `graph.operations` and in TensorBoard under its TensorFlow type — a hand-written LRN
/// recorded as `LRN`, say, instead of the ops it is made of.
///
/// ```swift
/// let normalised = try customOperation("LRN", name: "norm1", inputs: [pooled],
///                                      attributes: ["depth_radius": .int(4), "T": .type("DT_FLOAT")]) { values in
///     try myLocalResponseNormalization(values[0])
/// }
/// ```
///
/// - Parameters:
///   - type: the op type recorded (`NodeDef.op`), e.g. TensorFlow's name for what it computes.
///   - name: the op's name; the type when nil.
///   - inputs: tensors or variables; each is an input edge (a variable read as any op reads it).
///   - attributes: the `NodeDef` attributes to record.
///   - compute: the op's values from the inputs' values. Ops it runs itself are recorded too,
///     after this one has taken its name; to keep them out of the record, compute on plain
///     arrays or in a graph of its own.
/// - Throws: what `compute` throws; the op has used up its name then, as any failed op does.
///
/// The op computes when it is called; a recorded custom op cannot be run again from its record.
public func customOperation(
    _ type: String, name: String? = nil, inputs: [any TensorConvertible],
    attributes: [String: GraphOperation.AttributeValue] = [:], compute: ([Tensor]) throws -> Tensor
) throws -> Tensor {
    for input in inputs { try input.tensorValue.requireValues(type) }
    let arguments = inputs.enumerated().map { OpInput("input_\($0.offset)", $0.element) }
    let op = PendingOperation(type, name: name, arguments, attributes: attributes)
    return op.finish(try compute(op.values))
}
