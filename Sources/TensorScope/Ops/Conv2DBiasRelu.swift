/// `relu(conv2d(input, filter, …) + bias)` in one pass, as TensorFlow's grappler fuses the three
/// ops (`_FusedConv2D`): the bias and the rectifier are applied to each output tile right after
/// its `sgemm`, while it is still in cache, and no intermediate tensor is allocated.
///
/// - Parameters:
///   - input: `[batch, height, width, inChannels]`.
///   - filter: `[kernelHeight, kernelWidth, inChannels, outChannels]`.
///   - bias: `[outChannels]`.
/// - Returns: `[batch, outHeight, outWidth, outChannels]`, equal (up to float rounding) to the
///   unfused expression.
/// - Throws: what `conv2d` throws, and `.invalidArgument` for a bias that is not
///   `[outChannels]` or holds NaN or infinity.
///
/// Records the three ops `Conv2D`, `add` and `Relu` under the current name scope, exactly as
/// the unfused expression would, so graph names do not depend on the fusion.
public func conv2dBiasRelu(
    _ input: some TensorConvertible,
    _ filter: some TensorConvertible,
    bias: some TensorConvertible,
    strides: [Int] = [1, 1, 1, 1],
    padding: Padding,
    dilations: [Int] = [1, 1, 1, 1]
) throws -> Tensor {
    let x = input.tensorValue, w = filter.tensorValue, b = bias.tensorValue
    let geometry = try Conv2DGeometry(
        input: x.shape, filter: w.shape, strides: strides, padding: padding, dilations: dilations)
    guard b.shape == [geometry.outChannels] else {
        throw TensorScopeError.invalidArgument(
            "conv2dBiasRelu", expected: "bias of shape [\(geometry.outChannels)] (the filter's out_channels)",
            got: "shape \(b.shape)")
    }
    if let i = Finiteness.firstNonFinite(b.scalars) {
        throw TensorScopeError.invalidArgument("conv2dBiasRelu", expected: "finite bias values", got: "\(b.scalars[i]) at index \(i)")
    }
    let y = try b.withUnsafeBufferPointer { bias in
        try Conv2DRunner.run(geometry, input: x, filter: w, epilogue: Epilogue(bias: bias.baseAddress, relu: true))
    }
    Graph.recordOperation(type: "Conv2D", inputs: [x.shape, w.shape], output: y.shape)
    Graph.recordOperation(type: "add", inputs: [y.shape, b.shape], output: y.shape)
    Graph.recordOperation(type: "Relu", inputs: [y.shape], output: y.shape)
    return y
}
