import CPNG
import Foundation
import TensorScope

/// Reads PNG files through libpng's simplified `png_image` API.
public enum PNGReader {
    /// Images with more pixels than this are refused before any pixel memory is allocated
    /// (25 megapixels: 300 MB as RGB floats).
    public static let defaultMaxPixels = 25_000_000
    /// Files larger than this are refused before they are read.
    public static let maxFileBytes = 256 << 20

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
        let data = try readFile(path)
        let signature: [UInt8] = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]
        guard data.count >= 8, Array(data.prefix(8)) == signature else {
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
            let pixels = convert(values, stored: stored, color: color, to: mode)
            return Image(width: width, height: height, channels: pixels.channels, pixels: pixels.values)
        }
    }

    private static func readFile(_ path: String) throws -> Data {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
            throw TensorScopeError.image("readPNG", path, "no such file")
        }
        guard !isDirectory.boolValue else {
            throw TensorScopeError.image("readPNG", path, "is a directory, expected a PNG file")
        }
        let size = (try? FileManager.default.attributesOfItem(atPath: path)[.size] as? Int) ?? 0
        guard size <= maxFileBytes else {
            throw TensorScopeError.image("readPNG", path, "expected a file of at most \(maxFileBytes) bytes, got \(size)")
        }
        let data: Data
        do {
            data = try Data(contentsOf: URL(fileURLWithPath: path))
        } catch {
            throw TensorScopeError.image("readPNG", path, "unreadable (\(error.localizedDescription))")
        }
        guard !data.isEmpty else { throw TensorScopeError.image("readPNG", path, "empty file") }
        return data
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

    /// Drops alpha and converts to the requested channel count.
    private static func convert(_ values: [Float], stored: Int, color: Int, to mode: ChannelMode)
        -> (values: [Float], channels: Int) {
        let target: Int = switch mode {
        case .native: color
        case .rgb: 3
        case .gray: 1
        }
        let pixels = values.count / stored
        var out = [Float](repeating: 0, count: pixels * target)
        for p in 0..<pixels {
            let s = p * stored
            switch (color, target) {
            case (1, 1): out[p] = values[s]
            case (1, 3): out[3 * p] = values[s]; out[3 * p + 1] = values[s]; out[3 * p + 2] = values[s]
            case (3, 3): out[3 * p] = values[s]; out[3 * p + 1] = values[s + 1]; out[3 * p + 2] = values[s + 2]
            default: out[p] = 0.299 * values[s] + 0.587 * values[s + 1] + 0.114 * values[s + 2]
            }
        }
        return (out, target)
    }
}
