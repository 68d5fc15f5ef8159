import TensorScopeKernels

/// `min(max(x, 0), 6)` element-wise, as `tf.nn.relu6`. Records `Relu6`.
public func relu6(_ x: some TensorConvertible, name: String? = nil) -> Tensor {
    runInfallibleOperation("Relu6", name: name, [OpInput("features", x)], attributes: .float32)
}

/// `x` where `x > 0`, else `alpha · x`, element-wise, as `tf.nn.leaky_relu` (default alpha 0.2,
/// TensorFlow's). Records `LeakyRelu` with its `alpha` attribute.
public func leakyRelu(_ x: some TensorConvertible, alpha: Float = 0.2, name: String? = nil) -> Tensor {
    runInfallibleOperation("LeakyRelu", name: name, [OpInput("features", x)],
                           attributes: .float32(["alpha": .float(alpha)]))
}

/// The exponential linear unit, `x` where `x ≥ 0`, else `eˣ − 1`, as `tf.nn.elu`. Records `Elu`.
public func elu(_ x: some TensorConvertible, name: String? = nil) -> Tensor {
    runInfallibleOperation("Elu", name: name, [OpInput("features", x)], attributes: .float32)
}

/// The parametric rectifier with a slope per channel, as Keras's `PReLU` shared over every axis
/// but the last (`shared_axes=[1, 2]` on NHWC maps): `x` where `x > 0`, else `alpha[c] · x`.
///
/// - Parameters:
///   - x: a tensor of rank ≥ 1, `[…, C]`.
///   - alpha: the slopes, `[C]`, or `[1, …, 1, C]` as Keras stores them (`[1, 1, C]` for
///     `shared_axes=[1, 2]`) — a tensor or a `Variable`.
///   - name: the op's name under the current name scope, made unique (default `Prelu`).
/// - Throws: `.invalidArgument` (message starting `prelu:`) when `alpha` is not `[C]` or
///   `[1, …, 1, C]` of at most `x`'s rank.
///
/// TensorFlow has no PReLU op (Keras composes it as `relu(x) − alpha · relu(−x)`); this records
/// one `Prelu` node, as ONNX and TensorFlow Lite name it, which a `Session` fuses into the
/// preceding convolution's epilogue.
public func prelu(_ x: some TensorConvertible, alpha: some TensorConvertible, name: String? = nil) throws -> Tensor {
    try runOperation("Prelu", name: name, [OpInput("x", x), OpInput("alpha", alpha)], attributes: .float32)
}

let relu6Definition = activationDefinition("Relu6") { _ in .relu6 }
let leakyReluDefinition = activationDefinition("LeakyRelu") { attributes in
    guard case .float(let alpha)? = attributes["alpha"] else {
        throw TensorScopeError.invalidArgument("leakyRelu", expected: "attribute alpha holding a float", got: "none")
    }
    return .leakyRelu(alpha: alpha)
}
let eluDefinition = activationDefinition("Elu") { _ in .elu }

/// `Prelu`: `x` and the slopes over its last axis, `[C]` or `[1, …, 1, C]` (the same `C`
/// floats in memory).
let preluDefinition = OpDefinition("Prelu", outputShapes: { inputs, _ in
    let (x, alpha) = (inputs[0].shape, inputs[1].shape)
    guard let channels = x.last, isChannelVector(alpha, channels: channels), alpha.count <= x.count else {
        throw TensorScopeError.invalidArgument(
            "prelu", expected: "alpha of shape [C] or [1, ..., 1, C] for x of shape [..., C]", got: "alpha \(alpha) for x \(x)")
    }
    return [x]
}, compute: { inputs, _, outputs in
    Elementwise.activation(.prelu, inputs[0].data, slopes: inputs[1].data, into: outputs[0].baseAddress!)
})

/// Whether `shape` is `channels` values along the last axis: `[C]`, or `[1, …, 1, C]`.
func isChannelVector(_ shape: [Int], channels: Int) -> Bool {
    shape.last == channels && shape.dropLast().allSatisfy { $0 == 1 }
}

/// A one-input activation op computed by `Elementwise.activation`.
func activationDefinition(_ type: String, _ activation: @escaping @Sendable (Attributes) throws -> Activation) -> OpDefinition {
    OpDefinition(type, outputShapes: { inputs, attributes in
        _ = try activation(attributes)
        return [inputs[0].shape]
    }, compute: { inputs, attributes, outputs in
        Elementwise.activation(try activation(attributes), inputs[0].data, into: outputs[0].baseAddress!)
    })
}
