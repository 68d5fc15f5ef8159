import TensorScope

/// Lays out the channels of one feature map as a gray grid image.
public enum FeatureMosaic {
    /// The `channels` maps of image `index` in `features` (`[n, h, w, channels]`) as a grid of
    /// `columns` columns (rows as needed), 1-pixel white gaps between tiles. Each channel is
    /// normalised on its own to `[0, 1]` by its min and max (a constant channel is black), so
    /// weak and strong filters are equally visible. More columns than channels are not used.
    ///
    /// - Throws: `.invalidArgument` for a tensor that is not NHWC, an index out of range,
    ///   `columns` below 1, or a mosaic of more than `Image.maxOutputPixels` pixels.
    public static func make(_ features: Tensor, index: Int, columns requestedColumns: Int = 8) throws -> Image {
        guard features.rank == 4 else {
            throw TensorScopeError.invalidArgument("FeatureMosaic", expected: "a rank-4 NHWC tensor", got: "shape \(features.shape)")
        }
        let (n, h, w, c) = (features.shape[0], features.shape[1], features.shape[2], features.shape[3])
        guard index >= 0, index < n, requestedColumns > 0, h > 0, w > 0, c > 0 else {
            throw TensorScopeError.invalidArgument(
                "FeatureMosaic", expected: "an image index below \(n), at least 1 column and a non-empty map",
                got: "index \(index), \(requestedColumns) columns, shape \(features.shape)")
        }
        let columns = min(requestedColumns, c)
        let rows = (c + columns - 1) / columns
        let gap = 1
        // Sizes in overflow-checked steps; the image is checked before it is allocated.
        let (paddedWidth, widthOverflow) = columns.multipliedReportingOverflow(by: w + gap)
        let (paddedHeight, heightOverflow) = rows.multipliedReportingOverflow(by: h + gap)
        guard !widthOverflow, !heightOverflow else {
            throw TensorScopeError.invalidArgument(
                "FeatureMosaic", expected: "a mosaic of at most \(Image.maxOutputPixels) pixels", got: "shape \(features.shape)")
        }
        let (width, height) = (paddedWidth - gap, paddedHeight - gap)
        try Image.checkOutputSize(width, height, op: "FeatureMosaic")
        var out = [Float](repeating: 1, count: width * height)
        let base = index * h * w * c
        let values = features.scalars
        for channel in 0..<c {
            var low = Float.infinity, high = -Float.infinity
            for p in 0..<(h * w) {
                let v = values[base + p * c + channel]
                low = min(low, v)
                high = max(high, v)
            }
            let range = high - low
            let x0 = (channel % columns) * (w + gap), y0 = (channel / columns) * (h + gap)
            for y in 0..<h {
                for x in 0..<w {
                    let v = values[base + (y * w + x) * c + channel]
                    out[(y0 + y) * width + x0 + x] = range > 0 ? (v - low) / range : 0
                }
            }
        }
        // Unused tiles of the last row stay white like the gaps.
        return Image(width: width, height: height, channels: 1, pixels: out)
    }
}
