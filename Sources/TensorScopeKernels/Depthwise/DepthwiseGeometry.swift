/// Every size a depthwise convolution needs, validated once from the argument shapes: input
/// NHWC `[n, h, w, c]`, filter `[kh, kw, c, multiplier]`, output `[n, oh, ow, c · multiplier]`,
/// output channel `c · multiplier + m` from input channel `c` and filter `[:, :, c, m]`.
package struct DepthwiseGeometry: Equatable, Sendable {
    /// The window arithmetic, as a convolution with `c · multiplier` output channels (its
    /// `outChannels`); its `k` is not this op's (each output reads one input channel).
    package let window: Conv2DGeometry
    package let multiplier: Int

    package var outputShape: [Int] { window.outputShape }
    package var inputShape: [Int] { window.inputShape }
    package var filterShape: [Int] { [window.kernelHeight, window.kernelWidth, window.inChannels, multiplier] }
    package var taps: Int { window.kernelHeight * window.kernelWidth }
    /// Multiply-adds counted twice.
    package var flops: Double { 2 * Double(window.m) * Double(window.n) * Double(taps) }

    /// Validates shapes, strides and dilations as `tf.nn.depthwise_conv2d` does and computes the
    /// output size and padding.
    ///
    /// - Throws: `.invalidArgument` (message starting `op:`) for ranks other than 4, a filter
    ///   whose third dimension is not the input's channels, or what `Conv2DGeometry` refuses.
    package init(input: [Int], filter: [Int], strides: [Int], padding: Padding, dilations: [Int],
                 op: String = "depthwiseConv2d") throws {
        guard filter.count == 4 else {
            throw TensorScopeError.invalidArgument(
                op, expected: "filter of rank 4 [height, width, in_channels, channel_multiplier]",
                got: "rank \(filter.count), shape \(filter)")
        }
        // The rest (ranks, sizes, strides, dilations) as conv2d checks them.
        guard input.count != 4 || input[3] == filter[2] else {
            throw TensorScopeError.invalidArgument(
                op, expected: "input depth equal to the filter's in_channels (filter \(filter) takes \(filter[2]))",
                got: "input depth \(input[3]) (input \(input))")
        }
        let (outChannels, overflow) = filter[2].multipliedReportingOverflow(by: filter[3])
        guard !overflow, filter[3] > 0 else {
            throw TensorScopeError.invalidArgument(op, expected: "a channel multiplier of at least 1 whose product with in_channels fits in Int",
                                                   got: "filter shape \(filter)")
        }
        window = try Conv2DGeometry(input: input, filter: [filter[0], filter[1], filter[2], outChannels], strides: strides,
                                    padding: padding, dilations: dilations, op: op)
        multiplier = filter[3]
        _ = try Shapes.elementCount(of: window.outputShape, op: op)
    }
}
