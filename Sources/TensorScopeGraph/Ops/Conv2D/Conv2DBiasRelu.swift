import TensorScopeKernels
/// `relu(conv2d(input, filter, …) + bias)` in one pass, as TensorFlow's grappler fuses the three
/// ops (`_FusedConv2D`): the bias and the rectifier are applied to each output tile right after
/// it is computed, while it is still in cache, and no intermediate tensor is allocated.
///
/// - Parameters:
///   - input: `[batch, height, width, inChannels]`.
///   - filter: `[kernelHeight, kernelWidth, inChannels, outChannels]`.
///   - bias: `[outChannels]`.
///   - strides: as for `conv2d`: 1, 2 or 4 numbers.
///   - padding: `.same` or `.valid`, as for `conv2d`.
///   - dilations: as for `conv2d`.
/// - Returns: `[batch, outHeight, outWidth, outChannels]`, equal (up to float rounding) to the
///   unfused expression.
/// - Throws: what `conv2d` throws — a NaN or infinity in the convolution's result is reported
///   before the bias and the rectifier could hide it, as the unfused `conv2d` reports it — and
///   `.invalidArgument` for a bias that is not `[outChannels]` or holds NaN or infinity.
///
/// Records the three ops `Conv2D`, `add` (type `AddV2`) and `Relu` under the current name
/// scope, with the same names and edges as the unfused expression, so graphs do not depend on
/// the fusion; when an argument is wrong, the names used up are those the unfused expression
/// would have used up.
public func conv2dBiasRelu(
    _ input: some TensorConvertible,
    _ filter: some TensorConvertible,
    bias: some TensorConvertible,
    strides: [Int] = [1, 1, 1, 1],
    padding: Padding,
    dilations: [Int] = [1, 1, 1, 1]
) throws -> Tensor {
    if input.tensorValue.isSymbolic {
        // Recorded as the unfused expression, which is what a Session plan fuses.
        return relu(try add(conv2d(input, filter, strides: strides, padding: padding, dilations: dilations), bias))
    }
    let (conv, geometry) = try beginConv2D(input, filter, strides: strides, padding: padding, dilations: dilations)
    let (x, w) = (conv.values[0], conv.values[1])
    let biasInput = OpInput("y", bias)
    let b = biasInput.value!
    let biasProblem: TensorScopeError? =
        if b.shape != [geometry.outChannels] {
            .invalidArgument(
                "conv2dBiasRelu", expected: "bias of shape [\(geometry.outChannels)] (the filter's out_channels)",
                got: "shape \(b.shape)")
        } else {
            b.withUnsafeBufferPointer { Conv2DRunner.nonFiniteBias($0, op: "conv2dBiasRelu") }
        }
    if let biasProblem {
        // The unfused expression would have run its Conv2D and failed in `add`.
        let convOutput = conv.finish(outputShape: geometry.outputShape)
        _ = PendingOperation(
            "AddV2", name: "add", [OpInput("x", fusedOutputOf: convOutput, shape: geometry.outputShape), biasInput],
            attributes: .float32)
        throw biasProblem
    }
    let y = try b.withUnsafeBufferPointer { bias in
        try Conv2DRunner.run(
            geometry, input: x, filter: w, epilogue: Epilogue(bias: bias.baseAddress, activation: .relu),
            filterInput: conv.inputs[1])
    }
    let convOutput = conv.finish(outputShape: y.shape)
    let sum = PendingOperation(
        "AddV2", name: "add", [OpInput("x", fusedOutputOf: convOutput, shape: y.shape), biasInput],
        attributes: .float32
    ).finish(outputShape: y.shape)
    return PendingOperation("Relu", [OpInput("features", fusedOutputOf: sum, shape: y.shape)], attributes: .float32)
        .finish(y)
}
