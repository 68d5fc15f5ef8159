import CPNG
import Foundation
import TensorScope

/// Writes 8-bit gray and RGB PNG files through libpng's simplified API.
public enum PNGWriter {
    /// Writes `image` (1 or 3 channels) as an 8-bit PNG: each value is clamped to `[0, 1]`,
    /// scaled by 255 and rounded. NaN is written as 0.
    ///
    /// - Throws: `.io` naming `path` when the image has another channel count or libpng cannot
    ///   write the file.
    public static func write(_ image: Image, to path: String) throws {
        guard image.channels == 1 || image.channels == 3 else {
            throw TensorScopeError.image("writePNG", path, "expected 1 or 3 channels, got \(image.channels)")
        }
        guard image.width > 0, image.height > 0 else {
            throw TensorScopeError.image("writePNG", path, "expected a non-empty image, got \(image.width) × \(image.height)")
        }
        let bytes = image.pixels.map { v -> UInt8 in
            v.isNaN ? 0 : UInt8((min(max(v, 0), 1) * 255).rounded())
        }
        var png = png_image()
        png.version = tspng_image_version()
        png.width = UInt32(image.width)
        png.height = UInt32(image.height)
        png.format = image.channels == 3 ? tspng_format_rgb() : tspng_format_gray()
        defer { png_image_free(&png) }
        let ok = bytes.withUnsafeBytes { raw in
            png_image_write_to_file(&png, path, 0, raw.baseAddress, 0, nil)
        }
        guard ok != 0 else {
            throw TensorScopeError.image("writePNG", path, "could not write (\(PNGReader.message(of: png)))")
        }
    }
}
