/// Every size a 2-D convolution needs, validated once from the argument shapes.
///
/// Input is NHWC `[n, h, w, c]`, filter HWIO `[kh, kw, c, o]`, output `[n, oh, ow, o]`.
/// Seen as a matrix product, the output is `M × N` with `M = n·oh·ow` (one row per
/// output pixel) and `N = o`, and the inner dimension is `K = kh·kw·c`.
package struct Conv2DGeometry: Equatable, Sendable {
    package var batch, inHeight, inWidth, inChannels: Int
    package var kernelHeight, kernelWidth, outChannels: Int
    package var strideHeight, strideWidth: Int
    package var dilationHeight, dilationWidth: Int
    package var outHeight, outWidth: Int
    package var padTop, padLeft: Int

    package var m: Int { batch * outHeight * outWidth }
    package var n: Int { outChannels }
    package var k: Int { kernelHeight * kernelWidth * inChannels }
    package var outputShape: [Int] { [batch, outHeight, outWidth, outChannels] }
    package var inputShape: [Int] { [batch, inHeight, inWidth, inChannels] }
    /// Multiply-adds counted twice, as GFLOP/s figures conventionally do.
    package var flops: Double { 2 * Double(m) * Double(n) * Double(k) }

    /// True when the im2col matrix is the input itself: a 1×1 kernel that visits every
    /// pixel once, in order, with no padding.
    package var isPointwise: Bool {
        kernelHeight == 1 && kernelWidth == 1 && strideHeight == 1 && strideWidth == 1
            && padTop == 0 && padLeft == 0
    }

    /// Validates shapes, strides and dilations as `tf.nn.conv2d` does and computes the output
    /// size and padding.
    package init(input: [Int], filter: [Int], strides: [Int], padding: Padding, dilations: [Int], op: String = "conv2d") throws {
        guard input.count == 4 else {
            throw TensorScopeError.invalidArgument(
                op, expected: "input of rank 4 [batch, height, width, channels]",
                got: "rank \(input.count), shape \(input)")
        }
        guard filter.count == 4 else {
            throw TensorScopeError.invalidArgument(
                op, expected: "filter of rank 4 [height, width, in_channels, out_channels]",
                got: "rank \(filter.count), shape \(filter)")
        }
        guard input[0] > 0 else {
            throw TensorScopeError.invalidArgument(op, expected: "a non-empty batch", got: "input shape \(input)")
        }
        guard input[1] > 0, input[2] > 0, input[3] > 0 else {
            throw TensorScopeError.invalidArgument(
                op, expected: "input height, width and channels of at least 1", got: "input shape \(input)")
        }
        guard filter.allSatisfy({ $0 > 0 }) else {
            throw TensorScopeError.invalidArgument(op, expected: "filter dimensions of at least 1", got: "filter shape \(filter)")
        }
        guard input[3] == filter[2] else {
            throw TensorScopeError.invalidArgument(
                op,
                expected: "input depth equal to the filter's in_channels (filter \(filter) takes \(filter[2]))",
                got: "input depth \(input[3]) (input \(input))")
        }
        // Both counts fit in Int, so every product of their dimensions the algorithms form
        // (K = kh·kw·in, M = batch·oh·ow ≤ the input's count) does too.
        _ = try Shapes.elementCount(of: input, op: op)
        let filterCount = try Shapes.elementCount(of: filter, op: op)
        guard filterCount <= Int.max / 64 else {
            throw TensorScopeError.invalidArgument(op, expected: "a filter whose size fits in memory", got: "filter shape \(filter)")
        }
        let (sh, sw) = try WindowAxis.spatialPair(strides, name: "strides", op: op)
        let (dh, dw) = try WindowAxis.spatialPair(dilations, name: "dilations", op: op)

        batch = input[0]; inHeight = input[1]; inWidth = input[2]; inChannels = input[3]
        kernelHeight = filter[0]; kernelWidth = filter[1]; outChannels = filter[3]
        strideHeight = sh; strideWidth = sw; dilationHeight = dh; dilationWidth = dw

        let (oh, top) = try WindowAxis.size(
            input: inHeight, kernel: kernelHeight, stride: sh, dilation: dh, padding: padding, axis: "height", op: op)
        let (ow, left) = try WindowAxis.size(
            input: inWidth, kernel: kernelWidth, stride: sw, dilation: dw, padding: padding, axis: "width", op: op)
        outHeight = oh; outWidth = ow; padTop = top; padLeft = left
    }
}
