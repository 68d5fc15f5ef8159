/// Resizing NHWC images as TensorFlow's `ResizeBilinear` and `ResizeNearestNeighbor` kernels
/// do, source coordinates computed in float32 as they compute them.
public enum Resize {
    /// How output pixel centres map to input coordinates.
    public struct Options: Sendable, Equatable {
        /// Corner pixels of input and output aligned: scale `(in − 1) / (out − 1)` (TF1's
        /// `align_corners=True`).
        public var alignCorners: Bool
        /// Pixel centres at `+ 0.5` (TF2's `tf.image.resize`); otherwise TF1's legacy rule,
        /// input coordinate = output index · scale.
        public var halfPixelCenters: Bool

        /// The two rules; TensorFlow refuses both set, as `outputShape` does.
        public init(alignCorners: Bool, halfPixelCenters: Bool) {
            (self.alignCorners, self.halfPixelCenters) = (alignCorners, halfPixelCenters)
        }
    }

    /// The output shape `[N, size[0], size[1], C]`.
    ///
    /// - Throws: `.invalidArgument` (message starting `op:`) for an input not of rank 4 or
    ///   empty in height or width, a size not of two positive values, or both options set
    ///   (TensorFlow refuses that pair).
    public static func outputShape(_ shape: [Int], size: [Int], _ options: Options, op: String) throws -> [Int] {
        guard shape.count == 4 else {
            throw TensorScopeError.invalidArgument(op, expected: "images of rank 4 (NHWC)", got: "shape \(shape)")
        }
        guard shape[1] > 0, shape[2] > 0 else {
            throw TensorScopeError.invalidArgument(op, expected: "images of at least 1 × 1 pixels", got: "shape \(shape)")
        }
        guard size.count == 2, size.allSatisfy({ $0 > 0 && $0 <= Int(Int32.max) }) else {
            throw TensorScopeError.invalidArgument(op, expected: "size of two positive values [height, width]", got: "\(size)")
        }
        guard !(options.alignCorners && options.halfPixelCenters) else {
            throw TensorScopeError.invalidArgument(op, expected: "align_corners false when half_pixel_centers is true",
                                                   got: "both true")
        }
        return [shape[0], size[0], size[1], shape[3]]
    }

    /// TensorFlow's `CalculateResizeScale`.
    static func scale(input: Int, output: Int, alignCorners: Bool) -> Float {
        alignCorners && output > 1 ? Float(input - 1) / Float(output - 1) : Float(input) / Float(output)
    }

    /// One output coordinate's two input neighbours and the weight of the second.
    struct Interpolation { var lower: Int, upper: Int, lerp: Float }

    /// TensorFlow's `compute_interpolation_weights` for one axis.
    static func interpolations(input: Int, output: Int, _ options: Options) -> [Interpolation] {
        let scale = scale(input: input, output: output, alignCorners: options.alignCorners)
        return (0..<output).map { i in
            let x = options.halfPixelCenters ? (Float(i) + 0.5) * scale - 0.5 : Float(i) * scale
            let floor = x.rounded(.down)
            return Interpolation(lower: max(Int(floor), 0), upper: min(Int(x.rounded(.up)), input - 1), lerp: x - floor)
        }
    }

    /// Bilinear: each output value from its four input neighbours, blended along the width,
    /// then the height (`top + (bottom − top) · y_lerp`, TensorFlow's order).
    public static func bilinear(
        _ input: UnsafePointer<Float>, shape: [Int], size: [Int], _ options: Options, into output: UnsafeMutablePointer<Float>
    ) {
        let (batch, height, width, channels) = (shape[0], shape[1], shape[2], shape[3])
        let ys = interpolations(input: height, output: size[0], options)
        let xs = interpolations(input: width, output: size[1], options)
        let rowCount = batch * size[0]
        parallelChunks(count: min(rowCount, 64)) { chunk in
            for row in stride(from: chunk, to: rowCount, by: min(rowCount, 64)) {
                let (b, y) = row.quotientAndRemainder(dividingBy: size[0])
                let image = input.advanced(by: b * height * width * channels)
                let top = image.advanced(by: ys[y].lower * width * channels)
                let bottom = image.advanced(by: ys[y].upper * width * channels)
                let yLerp = ys[y].lerp
                var out = output.advanced(by: row * size[1] * channels)
                for x in xs {
                    let (l, u) = (x.lower * channels, x.upper * channels)
                    for c in 0..<channels {
                        let t = top[l + c] + (top[u + c] - top[l + c]) * x.lerp
                        let bo = bottom[l + c] + (bottom[u + c] - bottom[l + c]) * x.lerp
                        out[c] = t + (bo - t) * yLerp
                    }
                    out += channels
                }
            }
        }
    }

    /// TensorFlow's nearest-neighbour source index for output index `i` of one axis.
    static func nearest(_ i: Int, input: Int, scale: Float, _ options: Options) -> Int {
        let x = options.halfPixelCenters ? (Float(i) + 0.5) * scale : Float(i) * scale
        let index = min(Int(options.alignCorners ? x.rounded(.toNearestOrAwayFromZero) : x.rounded(.down)), input - 1)
        return options.halfPixelCenters ? max(0, index) : index
    }

    /// Nearest neighbour: each output pixel a copy of one input pixel.
    public static func nearestNeighbor(
        _ input: UnsafePointer<Float>, shape: [Int], size: [Int], _ options: Options, into output: UnsafeMutablePointer<Float>
    ) {
        let (batch, height, width, channels) = (shape[0], shape[1], shape[2], shape[3])
        let yScale = scale(input: height, output: size[0], alignCorners: options.alignCorners)
        let xScale = scale(input: width, output: size[1], alignCorners: options.alignCorners)
        let xs = (0..<size[1]).map { nearest($0, input: width, scale: xScale, options) * channels }
        var out = output
        for b in 0..<batch {
            for y in 0..<size[0] {
                let row = input.advanced(by: (b * height + nearest(y, input: height, scale: yScale, options)) * width * channels)
                for x in xs {
                    out.update(from: row.advanced(by: x), count: channels)
                    out += channels
                }
            }
        }
    }
}
