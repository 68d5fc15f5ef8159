/// 2-D cross-correlation of a batch of NHWC images with an HWIO filter, as `tf.nn.conv2d`.
///
/// - Parameters:
///   - input: `[batch, height, width, inChannels]`.
///   - filter: `[kernelHeight, kernelWidth, inChannels, outChannels]`; not flipped.
///   - strides: 1, 2 or 4 numbers, as TensorFlow takes them: `[s]`, `[sh, sw]` or
///     `[1, sh, sw, 1]`.
///   - padding: `.same` or `.valid`, with TensorFlow's rules (see `Padding`).
///   - dilations: the spacing between kernel taps, in the same forms as `strides`.
/// - Returns: `[batch, outHeight, outWidth, outChannels]`, where
///   `y[b,i,j,o] = Σ_{a,c,ci} x[b, i·sh − padTop + a·dh, j·sw − padLeft + c·dw, ci] · w[a,c,ci,o]`
///   with `x` zero outside the image.
/// - Throws: `TensorScopeError` (`.invalidArgument`, message starting `conv2d:`) for a rank
///   other than 4, an empty batch or image, a channel mismatch, a stride or dilation that is
///   not positive or sits in the batch/channel position, a VALID kernel larger than the input,
///   or NaN/infinity in an input or filter value that reaches the output.
///
/// Computed as im2col in bounded tiles + `cblas_sgemm`; see `conv2dScratchBytes` for the bound.
public func conv2d(
    _ input: some TensorConvertible,
    _ filter: some TensorConvertible,
    strides: [Int] = [1, 1, 1, 1],
    padding: Padding,
    dilations: [Int] = [1, 1, 1, 1]
) throws -> Tensor {
    let x = input.tensorValue
    let w = filter.tensorValue
    let geometry = try Conv2DGeometry(
        input: x.shape, filter: w.shape, strides: strides, padding: padding, dilations: dilations)
    let y = try Conv2DRunner.run(geometry, input: x, filter: w)
    Graph.recordOperation(type: "Conv2D", inputs: [x.shape, w.shape], output: y.shape)
    return y
}

/// The im2col scratch bytes `conv2d` allocates for these arguments (all cores together).
///
/// Each core fills one tile of at most `max(1 MiB, 4·K)` bytes, `K = kh·kw·inChannels`, so
/// the bound depends on the filter and the core count only — never on the batch or image
/// size. A 1×1 stride-1 convolution reads the input directly and needs none.
public func conv2dScratchBytes(
    input: [Int], filter: [Int], strides: [Int] = [1, 1, 1, 1], padding: Padding,
    dilations: [Int] = [1, 1, 1, 1]
) throws -> Int {
    let geometry = try Conv2DGeometry(
        input: input, filter: filter, strides: strides, padding: padding, dilations: dilations)
    return Conv2DEngine(geometry: geometry).scratchBytes
}

/// Shared by `conv2d` and fused callers: allocation, size checks and the non-finite report.
enum Conv2DRunner {
    static func run(
        _ g: Conv2DGeometry, input x: Tensor, filter w: Tensor, epilogue: Epilogue = Epilogue(),
        smallProducts: Bool = BLAS.hasSmallMatrixKernels
    ) throws -> Tensor {
        let op = "conv2d"
        guard g.k <= Int(Int32.max), g.n <= Int(Int32.max) else {
            throw TensorScopeError.invalidArgument(
                op, expected: "a filter whose kh·kw·in and out sizes fit a 32-bit BLAS", got: "filter \(w.shape)")
        }
        let (count, overflow) = g.m.multipliedReportingOverflow(by: g.n)
        guard !overflow else {
            throw TensorScopeError.invalidArgument(op, expected: "an output that fits in memory", got: "output shape \(g.outputShape)")
        }
        _ = KernelSelection.warnOnce
        let engine = Conv2DEngine(geometry: g, smallProducts: smallProducts)
        var finite = true
        let scalars = [Float](unsafeUninitializedCapacity: count) { buffer, initialized in
            HugePages.advise(UnsafeMutableRawPointer(buffer.baseAddress!), bytes: count * 4)
            x.withUnsafeBufferPointer { xs in
                w.withUnsafeBufferPointer { ws in
                    finite = engine.run(
                        input: xs.baseAddress!, filter: ws.baseAddress!, output: buffer.baseAddress!,
                        epilogue: epilogue)
                }
            }
            initialized = count
        }
        guard finite else { throw nonFiniteError(input: x, filter: w) }
        return Tensor(uncheckedShape: g.outputShape, scalars: scalars)
    }

    /// Names the first NaN or infinity among the arguments, or reports an overflow.
    static func nonFiniteError(input x: Tensor, filter w: Tensor) -> TensorScopeError {
        if let i = Finiteness.firstNonFinite(x.scalars) {
            return .invalidArgument(
                "conv2d", expected: "finite input values",
                got: "\(x.scalars[i]) at input index \(Index.unflatten(i, shape: x.shape))")
        }
        if let i = Finiteness.firstNonFinite(w.scalars) {
            return .invalidArgument(
                "conv2d", expected: "finite filter values",
                got: "\(w.scalars[i]) at filter index \(Index.unflatten(i, shape: w.shape))")
        }
        return .invalidArgument(
            "conv2d", expected: "outputs within float32 range", got: "an overflow to infinity")
    }
}
