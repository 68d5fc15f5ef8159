import CPNG
import Foundation
import TensorScope

/// Reads PNG files through libpng's simplified `png_image` API.
public enum PNGReader {
    /// See `ImageReader.defaultMaxPixels`.
    public static let defaultMaxPixels = ImageReader.defaultMaxPixels
    /// See `ImageReader.maxFileBytes`.
    public static let maxFileBytes = ImageReader.maxFileBytes

    /// Decodes the PNG at `path` into floats in `[0, 1]`.
    ///
    /// Accepts 8- and 16-bit gray, gray+alpha, RGB, RGBA and palette images. 8-bit values are
    /// divided by 255, 16-bit ones by 65535. An alpha channel is dropped: the colour values are
    /// kept as stored, not composited. (libpng's simplified API hands 16-bit images over as
    /// linear data with colour premultiplied by alpha; the reader divides that back out.)
    ///
    /// - Throws: `TensorScopeError` (`.io`) naming `path` for a missing, unreadable, empty,
    ///   non-PNG, truncated or corrupt file, or one larger than `maxPixels`.
    public static func read(_ path: String, channels mode: ChannelMode = .native,
                            maxPixels: Int = defaultMaxPixels) throws -> Image {
        try decode(ImageFile.read(path, op: "readPNG"), path: path, channels: mode, maxPixels: maxPixels)
    }

    /// Decodes PNG bytes; `path` names the file in errors. `ImageReader.read` calls this for
    /// files that start with PNG's signature.
    static func decode(_ data: Data, path: String, channels mode: ChannelMode, maxPixels: Int) throws -> Image {
        guard ImageReader.Format.detect(data) == .png else {
            throw TensorScopeError.image("readPNG", path, "not a PNG file (bad signature)")
        }
        var image = png_image()
        image.version = tspng_image_version()
        defer { png_image_free(&image) }
        return try data.withUnsafeBytes { bytes -> Image in
            guard png_image_begin_read_from_memory(&image, bytes.baseAddress, bytes.count) != 0 else {
                throw TensorScopeError.image("readPNG", path, "corrupt PNG header (\(message(of: image)))")
            }
            let (width, height) = (Int(image.width), Int(image.height))
            guard width > 0, height > 0, width.multipliedReportingOverflow(by: height).partialValue <= maxPixels,
                  !width.multipliedReportingOverflow(by: height).overflow else {
                throw TensorScopeError.image(
                    "readPNG", path, "expected at most \(maxPixels) pixels, got \(width) × \(height)")
            }
            let fileFormat = image.format & ~tspng_format_flag_colormap()
            let linear = fileFormat & tspng_format_flag_linear() != 0
            let hasColor = fileFormat & tspng_format_flag_color() != 0
            let hasAlpha = fileFormat & tspng_format_flag_alpha() != 0
            image.format = fileFormat
            let stored = Int(tspng_channels(fileFormat))
            let count = width * height * stored
            var values: [Float]
            if linear {
                var buffer = [UInt16](repeating: 0, count: count)
                try finish(&image, &buffer, path)
                values = buffer.map { Float($0) / 65535 }
                if hasAlpha { unpremultiply(&values, channels: stored) }
            } else {
                var buffer = [UInt8](repeating: 0, count: count)
                try finish(&image, &buffer, path)
                values = buffer.map { Float($0) / 255 }
            }
            let color = hasColor ? 3 : 1
            let pixels = ChannelConversion.convert(values, stored: stored, color: color, to: mode)
            return Image(width: width, height: height, channels: pixels.channels, pixels: pixels.values)
        }
    }

    private static func finish<T>(_ image: inout png_image, _ buffer: inout [T], _ path: String) throws {
        let ok = buffer.withUnsafeMutableBytes { out in
            png_image_finish_read(&image, nil, out.baseAddress, 0, nil)
        }
        guard ok != 0, tspng_failed(&image) == 0 else {
            throw TensorScopeError.image("readPNG", path, "truncated or corrupt PNG data (\(message(of: image)))")
        }
    }

    static func message(of image: png_image) -> String {
        withUnsafeBytes(of: image.message) { raw in
            String(decoding: raw.prefix { $0 != 0 }, as: UTF8.self)
        }
    }

    /// Linear 16-bit data with alpha arrives premultiplied; recover the stored colour.
    private static func unpremultiply(_ values: inout [Float], channels: Int) {
        let colors = channels - 1
        var i = 0
        while i < values.count {
            let alpha = values[i + colors]
            for c in 0..<colors {
                values[i + c] = alpha > 0 ? min(1, values[i + c] / alpha) : 0
            }
            i += channels
        }
    }
}
