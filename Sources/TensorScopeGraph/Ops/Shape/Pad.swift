import TensorScopeKernels

/// The tensor padded, as `tf.pad(x, paddings, mode, constant_values)`: `paddings[i] =
/// [before, after]` elements added around axis `i`, filled with `constantValue` or mirrored.
///
/// - Parameters:
///   - x: any tensor.
///   - paddings: one `[before, after]` pair per axis of `x`, each at least 0.
///   - mode: `.constant` (default), `.reflect` (each padding at most the dimension − 1) or
///     `.symmetric` (at most the dimension).
///   - constantValue: the fill of `.constant` (default 0).
///   - name: the op's name under the current name scope, made unique (default the op type).
/// - Throws: `.invalidArgument` (message starting `pad:`) for paddings that are not pairs,
///   one per axis, a negative padding, or a mirrored one wider than the mode allows.
///
/// Records what `tf.pad` records: `Pad` (fill 0), `PadV2` (another fill, as a constant input
/// `constant_values`) or `MirrorPad` (attribute `mode`), with `paddings` as an int32 `[rank, 2]`
/// constant.
public func pad(
    _ x: some TensorConvertible, paddings: [[Int]], mode: PadMode = .constant, constantValue: Float = 0, name: String? = nil
) throws -> Tensor {
    guard paddings.allSatisfy({ $0.count == 2 }) else {
        throw TensorScopeError.invalidArgument("pad", expected: "paddings as [before, after] pairs", got: "\(paddings)")
    }
    var inputs = [OpInput("input", x), OpInput("paddings", integers: paddings.flatMap { $0 }, shape: [paddings.count, 2])]
    var attributes: Attributes = .float32(["Tpaddings": .type("DT_INT32")])
    let type: String
    if let mirror = mode.mirrorName {
        type = "MirrorPad"
        attributes["mode"] = .string(mirror)
    } else if constantValue != 0 {  // as tf.pad decides: -0 fills with 0 through `Pad`
        type = "PadV2"
        inputs.append(OpInput("constant_values", Tensor(constantValue)))
    } else {
        type = "Pad"
    }
    return try runOperation(type, name: name ?? type, inputs, attributes: attributes)
}

/// The definition of one of the three padding op types: the fill read from `PadV2`'s third
/// input, the mode from `MirrorPad`'s attribute.
private func makePadDefinition(_ type: String) -> OpDefinition {
    @Sendable func mode(_ attributes: Attributes) throws -> PadMode {
        guard type == "MirrorPad" else { return .constant }
        switch try attributes.string("mode", op: "pad") {
        case "REFLECT": return .reflect
        case "SYMMETRIC": return .symmetric
        case let other: throw TensorScopeError.invalidArgument("pad", expected: "mode REFLECT or SYMMETRIC", got: "\"\(other)\"")
        }
    }
    return OpDefinition(type, outputShapes: { inputs, attributes in
        if type == "PadV2", inputs.count > 2, inputs[2].shape.reduce(1, *) != 1 {
            throw TensorScopeError.invalidArgument("pad", expected: "one constant value", got: "shape \(inputs[2].shape)")
        }
        return [try Pad.outputShape(inputs[0].shape, paddings: try inputs[1].integerValues(op: "pad"), mode: try mode(attributes))]
    }, compute: { inputs, attributes, outputs in
        Pad.run(inputs[0].pointer, shape: inputs[0].shape, paddings: try inputs[1].integerValues(op: "pad", argument: "paddings"),
                mode: try mode(attributes), constant: type == "PadV2" ? inputs[2].data[0] : 0, into: outputs[0].baseAddress!)
    })
}

/// `Pad`, `PadV2` and `MirrorPad`.
let padDefinition = makePadDefinition("Pad"), padV2Definition = makePadDefinition("PadV2"),
    mirrorPadDefinition = makePadDefinition("MirrorPad")
