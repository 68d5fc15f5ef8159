import TensorScopeKernels
/// 2-D cross-correlation of a batch of NHWC images with an HWIO filter, as `tf.nn.conv2d`.
///
/// - Parameters:
///   - input: `[batch, height, width, inChannels]`.
///   - filter: `[kernelHeight, kernelWidth, inChannels, outChannels]`; not flipped.
///   - strides: 1, 2 or 4 numbers, as TensorFlow takes them: `[s]`, `[sh, sw]` or
///     `[1, sh, sw, 1]`.
///   - padding: `.same` or `.valid`, with TensorFlow's rules (see `Padding`).
///   - dilations: the spacing between kernel taps, in the same forms as `strides`.
///   - name: the op's name under the current name scope, made unique (default `Conv2D`), as
///     TensorFlow's `name=`.
/// - Returns: `[batch, outHeight, outWidth, outChannels]`, where
///   `y[b,i,j,o] = Σ_{a,c,ci} x[b, i·sh − padTop + a·dh, j·sw − padLeft + c·dw, ci] · w[a,c,ci,o]`
///   with `x` zero outside the image.
/// - Throws: `TensorScopeError` (`.invalidArgument`, message starting `conv2d:`) for a rank
///   other than 4, an empty batch or image, a channel mismatch, a stride or dilation that is
///   not positive or sits in the batch/channel position, a VALID kernel larger than the input,
///   or NaN/infinity in an input or filter value that reaches the output.
///
/// Records a `Conv2D` op. The algorithm is chosen per call (`Conv2DAlgorithm`); see
/// `conv2dScratchBytes` for the memory it takes besides the output.
public func conv2d(
    _ input: some TensorConvertible,
    _ filter: some TensorConvertible,
    strides: [Int] = [1, 1, 1, 1],
    padding: Padding,
    dilations: [Int] = [1, 1, 1, 1],
    name: String? = nil
) throws -> Tensor {
    try runOperation(
        "Conv2D", name: name, [OpInput("input", input), OpInput("filter", filter)],
        attributes: Conv2DGeometry.attributes(strides: strides, padding: padding, dilations: dilations)
    ) { values in
        // The arguments as given, so a message quotes them as the caller wrote them.
        _ = try Conv2DGeometry(input: values[0].shape, filter: values[1].shape, strides: strides, padding: padding,
                               dilations: dilations)
    }
}

/// `Conv2D`: the planner's algorithm on the filter input itself, so a variable keeps its
/// packed form.
let conv2DDefinition = OpDefinition("Conv2D", outputShapes: { inputs, attributes in
    let geometry = try Conv2DGeometry(inputs, attributes)
    try Conv2DRunner.checkSizes(geometry, filter: inputs[1].shape)
    return [geometry.outputShape]
}, prepare: { shapes, attributes in
    let geometry = try Conv2DGeometry(shapes: shapes, attributes)
    let cache = Conv2DOperatorCache()
    return { inputs, outputs in
        try Conv2DRunner.compute(geometry, input: inputs[0].data, filter: inputs[1], cache: cache, into: outputs[0].baseAddress!)
    }
}, prepareFused: { shapes, attributes in
    let geometry = try Conv2DGeometry(shapes: shapes, attributes)
    let cache = Conv2DOperatorCache()
    return { inputs, output, epilogue, names in
        try Conv2DRunner.compute(geometry, input: inputs[0].data, filter: inputs[1], epilogue: epilogue, cache: cache,
                                 op: names[0], into: output)
    }
})

/// A `Conv2D` op that has taken its name (so a bad argument uses it up, as in TensorFlow), and
/// its validated geometry, for the fused op that computes it with others in one pass.
func beginConv2D(
    _ input: some TensorConvertible, _ filter: some TensorConvertible, strides: [Int], padding: Padding, dilations: [Int]
) throws -> (PendingOperation, Conv2DGeometry) {
    let op = PendingOperation(
        "Conv2D", [OpInput("input", input), OpInput("filter", filter)],
        attributes: Conv2DGeometry.attributes(strides: strides, padding: padding, dilations: dilations))
    let geometry = try Conv2DGeometry(
        input: op.values[0].shape, filter: op.values[1].shape, strides: strides, padding: padding, dilations: dilations)
    return (op, geometry)
}

/// The scratch bytes `conv2d` allocates for these arguments (all cores together), besides
/// its output.
///
/// With TensorScope's own kernels (`.igemm`) that is a run of zero rows (`((MR − 1)·strideWidth
/// + kw)·inChannels` floats, at most 64 Ki), the bias padded to whole channel blocks and, for a
/// filter that is not a variable, its packed copy (each core also uses 53 KiB of its stack).
/// With im2col each core fills one tile of at most `max(1 MiB, 4·K)` bytes,
/// `K = kh·kw·inChannels`, so the bound depends on the filter and the core count only — never
/// on the batch or image size. A 1×1 stride-1 convolution reads the input directly and needs
/// none. With Winograd (`.winograd`) on stride-1 3×3 layers it is a round of transformed tiles
/// (`36 · (in + out)` floats per 4×4 tile, in rounded up to 8, out to 16: 4 MiB of them, or at least
/// 96 tiles within 16 MiB) and, for a filter that is not a variable, its transformed copy
/// (`36 · in · out` floats, out rounded up to NR); on stride-1 5×5 layers
/// of 16 channels or more, one block of MR tiles' transformed values per core (`36 · MR ·
/// (in + out)` floats, channels rounded up to 8) and, for a filter that is not a variable, its
/// transformed copy (`36 · in · out` floats, out rounded up to NR); both also count `out`
/// floats for leaky ReLU's slopes. With the planar kernels (`.planar`, stride-1 layers of at
/// most 4 channels in and 12 out) it is, per core, a planar copy of the input rows a band of 8
/// output rows reads — `min(8 + kh − 1, inHeight) · in · (⌈outWidth / 8⌉ · 8 + kw − 1)` floats — and
/// `2 · out` floats of biases and slopes; the filter is read as it is.
public func conv2dScratchBytes(
    input: [Int], filter: [Int], strides: [Int] = [1, 1, 1, 1], padding: Padding,
    dilations: [Int] = [1, 1, 1, 1]
) throws -> Int {
    let geometry = try Conv2DGeometry(
        input: input, filter: filter, strides: strides, padding: padding, dilations: dilations)
    return Conv2DPlanner.choose(for: geometry).scratchBytes
}

extension Conv2DGeometry {
    /// The geometry of a recorded `Conv2D`: its inputs' shapes and its attributes.
    init(_ inputs: [OpInput], _ attributes: Attributes) throws {
        try self.init(shapes: inputs.map(\.shape), attributes)
    }

    /// The geometry of a recorded `Conv2D` from its inputs' shapes and its attributes.
    init(shapes: [[Int]], _ attributes: Attributes) throws {
        try self.init(
            input: shapes[0], filter: shapes[1], strides: attributes.ints("strides", op: "conv2d"),
            padding: attributes.padding(op: "conv2d"), dilations: attributes.ints("dilations", op: "conv2d"))
    }

    /// The attributes of TensorFlow's `Conv2D` node for these arguments.
    static func attributes(strides: [Int], padding: Padding, dilations: [Int]) -> [String: GraphOperation.AttributeValue] {
        .float32([
            "strides": .ints(WindowAxis.nhwcAttribute(strides)),
            "dilations": .ints(WindowAxis.nhwcAttribute(dilations)),
            "padding": .string(padding.rawValue),
            "data_format": .string("NHWC"),
            "use_cudnn_on_gpu": .bool(true),
            "explicit_paddings": .ints([]),
        ])
    }
}
