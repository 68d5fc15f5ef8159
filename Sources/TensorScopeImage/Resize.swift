import TensorScope

extension Image {
    /// The most pixels a resize or crop may produce: as many as a reader may decode.
    public static let maxOutputPixels = ImageReader.defaultMaxPixels

    /// Bilinear resampling to `width × height`, exactly as TensorFlow 2's
    /// `tf.image.resize(…, method="bilinear", antialias=False)`: half-pixel centres, source
    /// coordinate `(i + 0.5) · (in / out) − 0.5` clamped to the image, no antialiasing (so a
    /// large reduction aliases, as TensorFlow's does).
    ///
    /// - Throws: `.invalidArgument` for an empty image, a size below 1, or more than
    ///   `maxOutputPixels` pixels — checked before anything is allocated.
    public func resizedBilinear(width newWidth: Int, height newHeight: Int) throws -> Image {
        try resizedBilinear(scaledWidth: newWidth, scaledHeight: newHeight, x: 0, y: 0, width: newWidth, height: newHeight)
    }

    /// The `width × height` window at `(x, y)` of this image resampled to
    /// `scaledWidth × scaledHeight` — equal to `resizedBilinear(width: scaledWidth, height:
    /// scaledHeight).cropped(x: x, y: y, width: width, height: height)`, but computing and
    /// allocating only the window. How "fill" scales a long, thin image without ever holding its
    /// whole scaled version.
    ///
    /// - Throws: `.invalidArgument` for an empty image, sizes below 1, a window outside the
    ///   scaled image, or a window of more than `maxOutputPixels` pixels.
    public func resizedBilinear(
        scaledWidth: Int, scaledHeight: Int, x: Int, y: Int, width outWidth: Int, height outHeight: Int
    ) throws -> Image {
        let op = "resizedBilinear"
        guard self.width > 0, self.height > 0 else {
            throw TensorScopeError.invalidArgument(op, expected: "a non-empty image", got: "\(self.width) × \(self.height)")
        }
        guard scaledWidth > 0, scaledHeight > 0, outWidth > 0, outHeight > 0 else {
            throw TensorScopeError.invalidArgument(
                op, expected: "sizes of at least 1", got: "\(scaledWidth) × \(scaledHeight), window \(outWidth) × \(outHeight)")
        }
        guard x >= 0, y >= 0, x <= scaledWidth - outWidth, y <= scaledHeight - outHeight else {
            throw TensorScopeError.invalidArgument(
                op, expected: "a window inside the scaled \(scaledWidth) × \(scaledHeight)",
                got: "\(outWidth) × \(outHeight) at (\(x), \(y))")
        }
        try Image.checkOutputSize(outWidth, outHeight, op: op)
        let xs = Image.weights(from: self.width, to: scaledWidth, range: x..<(x + outWidth))
        let ys = Image.weights(from: self.height, to: scaledHeight, range: y..<(y + outHeight))
        var out = [Float](repeating: 0, count: outWidth * outHeight * channels)
        let c = channels
        for (oy, wy) in ys.enumerated() {
            let top = wy.lower * self.width * c, bottom = wy.upper * self.width * c
            for (ox, wx) in xs.enumerated() {
                let left = wx.lower * c, right = wx.upper * c
                let o = (oy * outWidth + ox) * c
                for k in 0..<c {
                    let tl = pixels[top + left + k], tr = pixels[top + right + k]
                    let bl = pixels[bottom + left + k], br = pixels[bottom + right + k]
                    let upper = tl + (tr - tl) * wx.lerp
                    let lower = bl + (br - bl) * wx.lerp
                    out[o + k] = upper + (lower - upper) * wy.lerp
                }
            }
        }
        return Image(width: outWidth, height: outHeight, channels: c, pixels: out)
    }

    /// The `width × height` window whose top-left corner is `(x, y)`.
    ///
    /// - Throws: `.invalidArgument` for a window that is empty or not inside the image.
    public func cropped(x: Int, y: Int, width newWidth: Int, height newHeight: Int) throws -> Image {
        guard newWidth > 0, newHeight > 0, x >= 0, y >= 0, x <= width - newWidth, y <= height - newHeight else {
            throw TensorScopeError.invalidArgument(
                "cropped", expected: "a non-empty window inside the \(width) × \(height) image",
                got: "\(newWidth) × \(newHeight) at (\(x), \(y))")
        }
        var out: [Float] = []
        out.reserveCapacity(newWidth * newHeight * channels)
        for row in y..<(y + newHeight) {
            let start = (row * width + x) * channels
            out.append(contentsOf: pixels[start..<(start + newWidth * channels)])
        }
        return Image(width: newWidth, height: newHeight, channels: channels, pixels: out)
    }

    static func checkOutputSize(_ width: Int, _ height: Int, op: String) throws {
        let (pixels, overflow) = width.multipliedReportingOverflow(by: height)
        guard !overflow, pixels <= maxOutputPixels else {
            throw TensorScopeError.invalidArgument(
                op, expected: "at most \(maxOutputPixels) pixels", got: "\(width) × \(height)")
        }
    }

    /// TensorFlow's `compute_interpolation_weights` with the half-pixel scaler, in float32, for
    /// the output indices in `range`.
    static func weights(from inSize: Int, to outSize: Int, range: Range<Int>) -> [(lower: Int, upper: Int, lerp: Float)] {
        let scale = Float(inSize) / Float(outSize)
        return range.map { i in
            let source = (Float(i) + 0.5) * scale - 0.5
            let floor = source.rounded(.down)
            let lower = max(Int(floor), 0)
            let upper = min(Int(source.rounded(.up)), inSize - 1)
            return (lower, upper, source - floor)
        }
    }
}
