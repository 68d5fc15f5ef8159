import CPNG
import Foundation
import TensorScope

/// Writes 8-bit gray and RGB PNG files through libpng's simplified API.
public enum PNGWriter {
    /// Writes `image` (1 or 3 channels) as an 8-bit PNG: each value is clamped to `[0, 1]`,
    /// scaled by 255 and rounded. NaN is written as 0.
    ///
    /// Written whole (`AtomicFile`): never half a file; a symbolic link at `path` is replaced by
    /// the file, not followed, so a link planted in an output folder cannot redirect the write.
    ///
    /// - Throws: `.io` naming `path` when the image has another channel count or libpng cannot
    ///   encode it, or the file cannot be written.
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
        // Faster zlib settings: a mosaic per photo is written for every image of a collection,
        // and the default level spent ~5× the forward pass's time for a few percent of size.
        png.flags |= tspng_flag_fast()
        defer { png_image_free(&png) }
        // Encode to memory in one pass (into a buffer of libpng's upper bound), then write the
        // file in one go.
        var size = png_alloc_size_t(tspng_encoded_size_max(&png))
        var encoded = Data(count: Int(size))
        let ok = bytes.withUnsafeBytes { raw -> Bool in
            encoded.withUnsafeMutableBytes { out in
                png_image_write_to_memory(&png, out.baseAddress, &size, 0, raw.baseAddress, 0, nil) != 0
            }
        }
        guard ok else {
            throw TensorScopeError.image("writePNG", path, "could not encode (\(PNGReader.message(of: png)))")
        }
        try AtomicFile.write(encoded.prefix(Int(size)), to: path, followingLinks: false)
    }
}
