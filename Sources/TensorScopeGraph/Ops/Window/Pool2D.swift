import TensorScopeKernels
/// Max pooling over windows of an NHWC batch, as `tf.nn.max_pool2d`.
///
/// - Parameters:
///   - input: `[batch, height, width, channels]`.
///   - ksize: the window, 1, 2 or 4 numbers (`[k]`, `[kh, kw]`, `[1, kh, kw, 1]`).
///   - strides: the step, in the same forms.
///   - padding: `.same` or `.valid`, with the convolution's rules (docs/TF1-RULES.md, "Windows");
///     padding cells never win.
///   - name: the op's name under the current name scope, made unique (default `MaxPool2d`), as
///     TensorFlow's `name=`.
/// - Returns: `[batch, outHeight, outWidth, channels]`, `y[b,i,j,c] = max x[b, i·sh − padTop + a, j·sw − padLeft + d, c]`
///   over the window cells inside the image, taken as TensorFlow's MaxPool takes it: starting
///   from the lowest finite float, a cell counts only when it is greater, so NaN never wins
///   (a window of NaN, or of NaN and −∞, gives `-Float.greatestFiniteMagnitude`).
/// - Throws: `.invalidArgument` (message starting `maxPool:`) for a rank other than 4, an empty
///   input, bad `ksize`/`strides`, or a VALID window larger than the input.
///
/// Records a `MaxPool` op named `MaxPool2d`, as `tf.nn.max_pool2d` names it.
public func maxPool(
    _ input: some TensorConvertible, ksize: [Int], strides: [Int], padding: Padding, name: String? = nil
) throws -> Tensor {
    try pool(.max, input, ksize: ksize, strides: strides, padding: padding, name: name)
}

/// Average pooling over windows of an NHWC batch, as `tf.nn.avg_pool2d`.
///
/// Arguments as `maxPool`. Each output is the mean of the window cells **inside** the image:
/// with SAME padding a window hanging over the edge divides by its count of real pixels, as
/// TensorFlow does. Records an `AvgPool` op named `AvgPool2D`, as `tf.nn.avg_pool2d` names it.
public func avgPool(
    _ input: some TensorConvertible, ksize: [Int], strides: [Int], padding: Padding, name: String? = nil
) throws -> Tensor {
    try pool(.average, input, ksize: ksize, strides: strides, padding: padding, name: name)
}

private func pool(
    _ kind: PoolingKind, _ input: some TensorConvertible, ksize: [Int], strides: [Int], padding: Padding, name: String?
) throws -> Tensor {
    // TensorFlow 2's max_pool2d and avg_pool2d name their scopes "MaxPool2d" and "AvgPool2D".
    let (type, defaultName, op, argument) = kind == .max
        ? ("MaxPool", "MaxPool2d", "maxPool", "input") : ("AvgPool", "AvgPool2D", "avgPool", "value")
    return try runOperation(type, name: name ?? defaultName, [OpInput(argument, input)], attributes: .float32([
        "ksize": .ints(WindowAxis.nhwcAttribute(ksize)), "strides": .ints(WindowAxis.nhwcAttribute(strides)),
        "padding": .string(padding.rawValue), "data_format": .string("NHWC"),
    ])) { values in
        // The arguments as given, so a message quotes them as the caller wrote them.
        _ = try PoolGeometry(input: values[0].shape, ksize: ksize, strides: strides, padding: padding, op: op)
    }
}

let maxPoolDefinition = poolDefinition(.max)
let avgPoolDefinition = poolDefinition(.average)

extension PoolGeometry {
    /// The geometry of a recorded `MaxPool` or `AvgPool` from its input's shape and its attributes.
    init(_ kind: PoolingKind, input: [Int], _ attributes: Attributes) throws {
        let op = kind == .max ? "maxPool" : "avgPool"
        try self.init(input: input, ksize: attributes.ints("ksize", op: op),
                      strides: attributes.ints("strides", op: op), padding: attributes.padding(op: op), op: op)
    }
}

private func poolDefinition(_ kind: PoolingKind) -> OpDefinition {
    let type = kind == .max ? "MaxPool" : "AvgPool"
    let geometry = { @Sendable (input: [Int], attributes: Attributes) throws -> PoolGeometry in
        try PoolGeometry(kind, input: input, attributes)
    }
    return OpDefinition(type, outputShapes: { inputs, attributes in
        [try geometry(inputs[0].shape, attributes).outputShape]
    }, prepare: { shapes, attributes in
        let g = try geometry(shapes[0], attributes)
        return { inputs, outputs in Pooling.run(kind, g, input: inputs[0].pointer, output: outputs[0].baseAddress!) }
    })
}
