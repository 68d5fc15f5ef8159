import CImageKernels
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
        let layout = try Layout(features, index: index, columns: requestedColumns)
        var out = [Float](repeating: 1, count: layout.width * layout.height)
        let (h, w, c) = (layout.mapHeight, layout.mapWidth, layout.channels)
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
            let (x0, y0) = layout.origin(of: channel)
            for y in 0..<h {
                for x in 0..<w {
                    let v = values[base + (y * w + x) * c + channel]
                    out[(y0 + y) * layout.width + x0 + x] = range > 0 ? (v - low) / range : 0
                }
            }
        }
        // Unused tiles of the last row stay white like the gaps.
        return Image(width: layout.width, height: layout.height, channels: 1, pixels: out)
    }

    /// Writes the mosaic of image `index` as an 8-bit gray PNG: the pixels
    /// `PNGWriter.write(try make(features, index: index, columns: columns), to: path)` writes,
    /// bit for bit, computed without the float image (in C, `ts_mosaic_tiles_gray8`, with each
    /// pixel's channels side by side so that the compiler vectorises across them), and
    /// compressed for runs of equal values (`PNGWriter.Compression.runs`).
    ///
    /// - Throws: as `make`, and as `PNGWriter.write` for the file.
    public static func write(_ features: Tensor, index: Int, columns requestedColumns: Int = 8, to path: String) throws {
        let layout = try Layout(features, index: index, columns: requestedColumns)
        let (h, w, c) = (layout.mapHeight, layout.mapWidth, layout.channels)
        guard [h, w, c].allSatisfy({ $0 <= Int(Int32.max) }) else {
            throw TensorScopeError.invalidArgument("FeatureMosaic", expected: "dimensions below 2³¹", got: "shape \(features.shape)")
        }
        var out = [UInt8](repeating: 255, count: layout.width * layout.height)
        var scratch = [Float](repeating: 0, count: 3 * c)
        features.withUnsafeBufferPointer { all in
            out.withUnsafeMutableBufferPointer { out in
                ts_mosaic_tiles_gray8(all.baseAddress! + index * h * w * c, Int32(h), Int32(w), Int32(c),
                                      Int32(layout.columns), out.baseAddress!, layout.width, &scratch)
            }
        }
        try PNGWriter.write(bytes: out, width: layout.width, height: layout.height, channels: 1, compression: .runs, to: path)
    }

    /// Where the tiles go: the mosaic's size and each channel's tile.
    private struct Layout {
        let mapHeight: Int, mapWidth: Int, channels: Int, columns: Int
        let width: Int, height: Int
        static let gap = 1

        init(_ features: Tensor, index: Int, columns requestedColumns: Int) throws {
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
            // Sizes in overflow-checked steps; the image is checked before it is allocated.
            let (paddedWidth, widthOverflow) = columns.multipliedReportingOverflow(by: w + Self.gap)
            let (paddedHeight, heightOverflow) = rows.multipliedReportingOverflow(by: h + Self.gap)
            guard !widthOverflow, !heightOverflow else {
                throw TensorScopeError.invalidArgument(
                    "FeatureMosaic", expected: "a mosaic of at most \(Image.maxOutputPixels) pixels", got: "shape \(features.shape)")
            }
            (mapHeight, mapWidth, channels, self.columns) = (h, w, c, columns)
            (width, height) = (paddedWidth - Self.gap, paddedHeight - Self.gap)
            try Image.checkOutputSize(width, height, op: "FeatureMosaic")
        }

        /// The top-left corner of `channel`'s tile.
        func origin(of channel: Int) -> (x: Int, y: Int) {
            ((channel % columns) * (mapWidth + Self.gap), (channel / columns) * (mapHeight + Self.gap))
        }
    }
}
