import CPNGEncode
import Foundation
import TensorScope

/// Writes 8-bit gray and RGB PNG files through libpng.
public enum PNGWriter {
    /// How hard zlib works, for a program that writes a PNG per photo of a collection.
    package enum Compression {
        /// zlib level 3, no filter: libpng's own "fast" setting, good for any image (the
        /// default level took ~5× as long for a few percent of size).
        case general
        /// zlib level 1 with its run-length strategy after PNG's Up filter, for feature-map
        /// mosaics: after a ReLU they are mostly runs of equal values, which this finds in
        /// ~0.6× the time of `general`, files a fifth smaller (a 1799 × 899 mosaic: 19 vs 31
        /// ms, 501 vs 630 KB). It finds no repeats at a distance: worse for other images.
        case runs

        var settings: ts_png_settings {
            switch self {
            case .general: ts_png_settings(level: 3, strategy: 0, filters: 0x08 /* PNG_FILTER_NONE */)
            case .runs: ts_png_settings(level: 1, strategy: 3 /* Z_RLE */, filters: 0x20 /* PNG_FILTER_UP */)
            }
        }
    }

    /// Writes `image` (1 or 3 channels) as an 8-bit PNG: each value is clamped to `[0, 1]`,
    /// scaled by 255 and rounded. NaN is written as 0.
    ///
    /// Written whole (`AtomicFile`): never half a file; a symbolic link at `path` is replaced by
    /// the file, not followed, so a link planted in an output folder cannot redirect the write.
    ///
    /// - Throws: `.io` naming `path` when the image has another channel count or libpng cannot
    ///   encode it, or the file cannot be written.
    public static func write(_ image: Image, to path: String) throws {
        try write(bytes: image.pixels.map(quantize), width: image.width, height: image.height, channels: image.channels, to: path)
    }

    /// A value in `[0, 1]` as an 8-bit sample: clamped, scaled by 255, rounded half away from
    /// zero (`(v · 255).rounded()`); NaN is 0. Rounded by truncating and comparing the
    /// fraction (exact: `y - trunc(y)` is representable) — the same result as `rounded()`
    /// without a call to `roundf`, and one the C mosaic kernel vectorises. (Adding ½ and
    /// truncating is not: 0.49999997 + 0.5 rounds to 1.)
    @inline(__always)
    package static func quantize(_ v: Float) -> UInt8 {
        guard !v.isNaN else { return 0 }
        let y = min(max(v, 0), 1) * 255
        let whole = Int32(y)
        return UInt8(truncatingIfNeeded: whole + (y - Float(whole) >= 0.5 ? 1 : 0))
    }

    /// Writes 8-bit samples (`channels` 1 or 3, rows packed) as a PNG file, atomically.
    package static func write(bytes: [UInt8], width: Int, height: Int, channels: Int, compression: Compression = .general,
                              to path: String) throws {
        guard channels == 1 || channels == 3 else {
            throw TensorScopeError.image("writePNG", path, "expected 1 or 3 channels, got \(channels)")
        }
        guard width > 0, height > 0 else {
            throw TensorScopeError.image("writePNG", path, "expected a non-empty image, got \(width) × \(height)")
        }
        guard width <= Int(UInt32.max), height <= Int(UInt32.max), bytes.count == width * height * channels else {
            throw TensorScopeError.image("writePNG", path, "expected \(width) × \(height) × \(channels) samples, got \(bytes.count)")
        }
        let settings = compression.settings
        var encoded: UnsafeMutablePointer<UInt8>?
        var size = 0
        var message = [CChar](repeating: 0, count: 256)
        let ok = bytes.withUnsafeBufferPointer { samples in
            ts_png_encode(samples.baseAddress, UInt32(width), UInt32(height), Int32(channels), settings,
                          &encoded, &size, &message, message.count) == 1
        }
        defer { free(encoded) }
        guard ok, let encoded else {
            let reason = String(decoding: message.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
            throw TensorScopeError.image("writePNG", path, "could not encode (\(reason))")
        }
        try AtomicFile.write(Data(bytesNoCopy: encoded, count: size, deallocator: .none), to: path, followingLinks: false)
    }
}
