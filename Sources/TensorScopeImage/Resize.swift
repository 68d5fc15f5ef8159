extension Image {
    /// Bilinear resampling to `width × height`, exactly as TensorFlow 2's
    /// `tf.image.resize(…, method="bilinear", antialias=False)`: half-pixel centres, source
    /// coordinate `(i + 0.5) · (in / out) − 0.5` clamped to the image, no antialiasing (so a
    /// large reduction aliases, as TensorFlow's does).
    public func resizedBilinear(width newWidth: Int, height newHeight: Int) -> Image {
        precondition(newWidth > 0 && newHeight > 0 && width > 0 && height > 0, "internal: empty resize")
        let xs = Image.weights(from: width, to: newWidth)
        let ys = Image.weights(from: height, to: newHeight)
        var out = [Float](repeating: 0, count: newWidth * newHeight * channels)
        let c = channels
        for (oy, y) in ys.enumerated() {
            let top = y.lower * width * c, bottom = y.upper * width * c
            for (ox, x) in xs.enumerated() {
                let left = x.lower * c, right = x.upper * c
                let o = (oy * newWidth + ox) * c
                for k in 0..<c {
                    let tl = pixels[top + left + k], tr = pixels[top + right + k]
                    let bl = pixels[bottom + left + k], br = pixels[bottom + right + k]
                    let upper = tl + (tr - tl) * x.lerp
                    let lower = bl + (br - bl) * x.lerp
                    out[o + k] = upper + (lower - upper) * y.lerp
                }
            }
        }
        return Image(width: newWidth, height: newHeight, channels: c, pixels: out)
    }

    /// The `height × width` window whose top-left corner is `(x, y)`.
    public func cropped(x: Int, y: Int, width newWidth: Int, height newHeight: Int) -> Image {
        precondition(x >= 0 && y >= 0 && x + newWidth <= width && y + newHeight <= height, "internal: crop outside image")
        var out: [Float] = []
        out.reserveCapacity(newWidth * newHeight * channels)
        for row in y..<(y + newHeight) {
            let start = (row * width + x) * channels
            out.append(contentsOf: pixels[start..<(start + newWidth * channels)])
        }
        return Image(width: newWidth, height: newHeight, channels: channels, pixels: out)
    }

    /// TensorFlow's `compute_interpolation_weights` with the half-pixel scaler, in float32.
    static func weights(from inSize: Int, to outSize: Int) -> [(lower: Int, upper: Int, lerp: Float)] {
        let scale = Float(inSize) / Float(outSize)
        return (0..<outSize).map { i in
            let source = (Float(i) + 0.5) * scale - 0.5
            let floor = source.rounded(.down)
            let lower = max(Int(floor), 0)
            let upper = min(Int(source.rounded(.up)), inSize - 1)
            return (lower, upper, source - floor)
        }
    }
}
