/// Every size a 2-D convolution needs, validated once from the argument shapes.
///
/// Input is NHWC `[n, h, w, c]`, filter HWIO `[kh, kw, c, o]`, output `[n, oh, ow, o]`.
/// Seen as a matrix product, the output is `M × N` with `M = n·oh·ow` (one row per
/// output pixel) and `N = o`, and the inner dimension is `K = kh·kw·c`.
struct Conv2DGeometry: Equatable, Sendable {
    var batch, inHeight, inWidth, inChannels: Int
    var kernelHeight, kernelWidth, outChannels: Int
    var strideHeight, strideWidth: Int
    var dilationHeight, dilationWidth: Int
    var outHeight, outWidth: Int
    var padTop, padLeft: Int

    var m: Int { batch * outHeight * outWidth }
    var n: Int { outChannels }
    var k: Int { kernelHeight * kernelWidth * inChannels }
    var outputShape: [Int] { [batch, outHeight, outWidth, outChannels] }
    /// Multiply-adds counted twice, as GFLOP/s figures conventionally do.
    var flops: Double { 2 * Double(m) * Double(n) * Double(k) }

    /// True when the im2col matrix is the input itself: a 1×1 kernel that visits every
    /// pixel once, in order, with no padding.
    var isPointwise: Bool {
        kernelHeight == 1 && kernelWidth == 1 && strideHeight == 1 && strideWidth == 1
            && padTop == 0 && padLeft == 0
    }

    /// Validates shapes, strides and dilations as `tf.nn.conv2d` does and computes the output
    /// size and padding.
    init(input: [Int], filter: [Int], strides: [Int], padding: Padding, dilations: [Int]) throws {
        let op = "conv2d"
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
        let (sh, sw) = try Conv2DGeometry.spatialPair(strides, name: "strides")
        let (dh, dw) = try Conv2DGeometry.spatialPair(dilations, name: "dilations")

        batch = input[0]; inHeight = input[1]; inWidth = input[2]; inChannels = input[3]
        kernelHeight = filter[0]; kernelWidth = filter[1]; outChannels = filter[3]
        strideHeight = sh; strideWidth = sw; dilationHeight = dh; dilationWidth = dw

        let (oh, top) = try Conv2DGeometry.axis(
            size: inHeight, kernel: kernelHeight, stride: sh, dilation: dh, padding: padding, axis: "height")
        let (ow, left) = try Conv2DGeometry.axis(
            size: inWidth, kernel: kernelWidth, stride: sw, dilation: dw, padding: padding, axis: "width")
        outHeight = oh; outWidth = ow; padTop = top; padLeft = left
    }

    /// Reads TF's 1-, 2- or 4-number form of `strides` / `dilations` into (height, width).
    static func spatialPair(_ values: [Int], name: String) throws -> (Int, Int) {
        let pair: (Int, Int)
        switch values.count {
        case 1:
            pair = (values[0], values[0])
        case 2:
            pair = (values[0], values[1])
        case 4:
            guard values[0] == 1, values[3] == 1 else {
                throw TensorScopeError.invalidArgument(
                    "conv2d",
                    expected: "\(name) of 1 in the batch and channel positions ([1, h, w, 1])",
                    got: "\(name) \(values)")
            }
            pair = (values[1], values[2])
        default:
            throw TensorScopeError.invalidArgument(
                "conv2d", expected: "\(name) of length 1, 2 or 4", got: "\(name) \(values) of length \(values.count)")
        }
        guard pair.0 >= 1, pair.1 >= 1 else {
            throw TensorScopeError.invalidArgument("conv2d", expected: "positive \(name)", got: "\(name) \(values)")
        }
        return pair
    }

    /// Output size and leading padding along one spatial axis (TF1_SEMANTICS.md §6).
    static func axis(
        size n: Int, kernel k: Int, stride s: Int, dilation d: Int, padding: Padding, axis: String
    ) throws -> (out: Int, padBefore: Int) {
        let (span, overflow) = (k - 1).multipliedReportingOverflow(by: d)
        guard !overflow, span < Int.max / 2 else {
            throw TensorScopeError.invalidArgument(
                "conv2d", expected: "a dilated kernel size that fits in Int", got: "kernel \(k), dilation \(d)")
        }
        let effective = span + 1
        switch padding {
        case .same:
            let out = n / s + (n % s == 0 ? 0 : 1)  // ceil(n / s) without overflowing for huge s
            let total = max((out - 1) * s + effective - n, 0)
            return (out, total / 2)
        case .valid:
            guard n >= effective else {
                throw TensorScopeError.invalidArgument(
                    "conv2d",
                    expected: "VALID padding with an input \(axis) of at least the dilated kernel size \(effective)",
                    got: "input \(axis) \(n) (Negative dimension size caused by subtracting \(effective) from \(n))")
            }
            return ((n - effective) / s + 1, 0)
        }
    }
}
