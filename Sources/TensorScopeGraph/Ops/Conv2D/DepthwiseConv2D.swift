import TensorScopeKernels

/// Depthwise 2-D convolution of NHWC images, as `tf.nn.depthwise_conv2d`: each input channel
/// `c` convolved with its own filters `filter[:, :, c, m]`, giving output channel
/// `c · multiplier + m`.
///
/// - Parameters:
///   - input: `[batch, height, width, channels]`.
///   - filter: `[kernelHeight, kernelWidth, channels, multiplier]`.
///   - strides: 1, 2 or 4 numbers, as `conv2d` takes them.
///   - padding: `.same` or `.valid`, TensorFlow's rules.
///   - dilations: the spacing between taps, in the same forms as `strides`.
///   - name: the op's name under the current name scope, made unique (default `depthwise`, as
///     `tf.nn.depthwise_conv2d` names it).
/// - Returns: `[batch, outHeight, outWidth, channels · multiplier]`.
/// - Throws: `.invalidArgument` (message starting `depthwiseConv2d:`) for ranks other than 4,
///   a filter whose third dimension is not the input's channels, a bad stride, dilation or
///   VALID size (as `conv2d`), or NaN/infinity in an input or filter value.
///
/// Records a `DepthwiseConv2dNative` op (for a dilation above 1, TensorFlow's Python wraps
/// that op in `SpaceToBatchND`/`BatchToSpaceND`; TensorScope records the op with its
/// `dilations` attribute, which TensorFlow's op also takes). A channel multiplier of 1 runs on
/// TensorScope's own micro-kernels; a `Session` fuses the bias and activation after it into
/// their store and folds a `FusedBatchNormV3` after it into its filter.
public func depthwiseConv2d(
    _ input: some TensorConvertible, _ filter: some TensorConvertible, strides: [Int] = [1, 1, 1, 1],
    padding: Padding, dilations: [Int] = [1, 1, 1, 1], name: String? = nil
) throws -> Tensor {
    var attributes = Conv2DGeometry.attributes(strides: strides, padding: padding, dilations: dilations)
    attributes["use_cudnn_on_gpu"] = nil
    return try runOperation(
        "DepthwiseConv2dNative", name: name ?? "depthwise", [OpInput("input", input), OpInput("filter", filter)],
        attributes: attributes
    ) { values in
        // The arguments as given, so a message quotes them as the caller wrote them.
        _ = try DepthwiseGeometry(input: values[0].shape, filter: values[1].shape, strides: strides, padding: padding,
                                  dilations: dilations)
    }
}

extension DepthwiseGeometry {
    /// The geometry of a recorded `DepthwiseConv2dNative`: its inputs' shapes and attributes.
    init(shapes: [[Int]], _ attributes: Attributes) throws {
        try self.init(
            input: shapes[0], filter: shapes[1], strides: attributes.ints("strides", op: "depthwiseConv2d"),
            padding: attributes.padding(op: "depthwiseConv2d"), dilations: attributes.ints("dilations", op: "depthwiseConv2d"))
    }
}

/// Computes a depthwise convolution with `epilogue` into `output`, the filter packed as the
/// kernels take it (a variable's or a plan's constant's packed form is reused); `op` names it
/// in the error for a NaN or infinity.
private func runDepthwise(
    _ g: DepthwiseGeometry, _ inputs: [KernelArgument], epilogue: Epilogue, op: String, into output: UnsafeMutablePointer<Float>
) throws {
    let isa = KernelISA.current
    let packed = isa.flatMap { isa in
        DepthwiseConv2D.usesKernels(g, isa: isa)
            ? inputs[1].prepared(.depthwiseBlocks, isa: isa) { DepthwiseConv2D.pack($0, g, isa: isa) } : nil
    }
    let finite = DepthwiseConv2D.run(g, input: inputs[0].pointer, filter: inputs[1].pointer, packed: packed, epilogue: epilogue,
                                     isa: isa, into: output)
    guard finite else {
        throw Conv2DRunner.nonFiniteError(input: inputs[0].data, shape: g.inputShape, filter: inputs[1].data,
                                          shape: g.filterShape, op: op)
    }
}

/// `DepthwiseConv2dNative`.
let depthwiseConv2DDefinition = OpDefinition("DepthwiseConv2dNative", outputShapes: { inputs, attributes in
    [try DepthwiseGeometry(shapes: inputs.map(\.shape), attributes).outputShape]
}, prepare: { shapes, attributes in
    let g = try DepthwiseGeometry(shapes: shapes, attributes)
    return { inputs, outputs in
        try runDepthwise(g, inputs, epilogue: Epilogue(), op: "depthwiseConv2d", into: outputs[0].baseAddress!)
    }
}, prepareFused: { shapes, attributes in
    let g = try DepthwiseGeometry(shapes: shapes, attributes)
    return { inputs, output, epilogue, names in
        try runDepthwise(g, inputs, epilogue: epilogue, op: names[0], into: output)
    }
})
