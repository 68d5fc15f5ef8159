import Foundation
import TensorScope

/// Reads image files of every format TensorScope decodes, choosing the decoder by the file's
/// first bytes (never by its name). The one place a new format is added: a case in `Format`,
/// its signature in `detect`, its decoder in `read`.
public enum ImageReader {
    /// Images with more pixels than this are refused before any pixel memory is allocated
    /// (25 megapixels: 300 MB as RGB floats).
    public static let defaultMaxPixels = 25_000_000
    /// Files larger than this are refused before they are read (the size of a symbolic link's
    /// target counts).
    public static let maxFileBytes = 256 << 20

    /// The formats this reader decodes.
    public enum Format: String, CaseIterable, Sendable {
        /// PNG, signature `89 50 4E 47 0D 0A 1A 0A`.
        case png = "PNG"
        /// JPEG, signature `FF D8 FF`.
        case jpeg = "JPEG"

        /// The format whose signature `bytes` start with, if any.
        public static func detect(_ bytes: Data) -> Format? {
            if bytes.starts(with: [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]) { return .png }
            if bytes.starts(with: [0xFF, 0xD8, 0xFF]) { return .jpeg }
            return nil
        }
    }

    /// How to read a file.
    public struct ReadOptions: Sendable {
        /// The channels to return.
        public var channels: ChannelMode
        /// Images with more pixels than this *as decoded* are refused before pixel memory is
        /// allocated (a JPEG decoded at a reduced scale counts at that scale).
        public var maxPixels: Int
        /// The size the image is headed for (a batch's `--size`): a JPEG whose shorter side is
        /// at least 4× this is decoded at 1/2, 1/4 or 1/8 scale, the smallest that keeps the
        /// shorter side at least 2× it. Nil (or smaller photos) decodes at full size, which keeps
        /// the pixels equal to TensorFlow's `decode_jpeg`.
        public var targetSize: Int?
        /// Apply a JPEG's EXIF orientation, so phone photos come out upright (on by default;
        /// TensorFlow's `decode_jpeg` ignores it).
        public var appliesOrientation: Bool

        /// A progressive JPEG whose whole-image DCT coefficients (kept at the *stored* size,
        /// whatever the decoding scale: about 2 bytes per stored pixel and component, less with
        /// chroma subsampling) would take more bytes than this is refused before decoding.
        /// Baseline JPEGs decode a row of blocks at a time and need no such bound.
        public var maxProgressiveBytes: Int

        /// 256 MiB: a progressive photo of about 85 megapixels at 4:2:0, 44 at 4:4:4.
        public static let defaultMaxProgressiveBytes = 256 << 20

        /// Options with the defaults: native channels, 25 M pixels, full-size decode, EXIF
        /// orientation applied, progressive JPEGs up to 256 MiB of coefficients.
        public init(channels: ChannelMode = .native, maxPixels: Int = ImageReader.defaultMaxPixels,
                    targetSize: Int? = nil, appliesOrientation: Bool = true,
                    maxProgressiveBytes: Int = ReadOptions.defaultMaxProgressiveBytes) {
            self.channels = channels
            self.maxPixels = maxPixels
            self.maxProgressiveBytes = maxProgressiveBytes
            self.targetSize = targetSize
            self.appliesOrientation = appliesOrientation
        }
    }

    /// Decodes the image file at `path` into floats in `[0, 1]`, `channels` as asked.
    ///
    /// - Throws: `TensorScopeError` (`.io`) naming `path` for a missing, unreadable, empty or
    ///   too large file, one in no format listed in `Format` (the message lists those), a
    ///   truncated or corrupt one, or one with more than `maxPixels` pixels.
    public static func read(_ path: String, channels mode: ChannelMode = .native,
                            maxPixels: Int = defaultMaxPixels) throws -> Image {
        try read(path, options: ReadOptions(channels: mode, maxPixels: maxPixels))
    }

    /// Decodes the image file at `path` as `options` say.
    public static func read(_ path: String, options: ReadOptions) throws -> Image {
        try decode(try ImageFile.read(path, op: "readImage"), name: path, options: options)
    }

    /// Decodes an image file's bytes already in memory (from a network, an archive, a
    /// database), with the checks and bounds `read` applies to a file.
    ///
    /// - Parameters:
    ///   - data: the file's bytes, PNG or JPEG.
    ///   - name: what errors call the image (`read` passes the path).
    ///   - options: channels, bounds and decoding scale, as for `read`.
    /// - Throws: as `read`, naming `name`.
    public static func decode(_ data: Data, name: String, options: ReadOptions = ReadOptions()) throws -> Image {
        guard !data.isEmpty else { throw TensorScopeError.image("readImage", name, "empty input") }
        guard data.count <= maxFileBytes else {
            throw TensorScopeError.image("readImage", name, "expected at most \(maxFileBytes) bytes, got \(data.count)")
        }
        switch Format.detect(data) {
        case .png:
            return try PNGReader.decode(data, path: name, channels: options.channels, maxPixels: options.maxPixels)
        case .jpeg:
            return try JPEGReader.decode(data, path: name, options: options)
        case nil:
            let formats = Format.allCases.map(\.rawValue).joined(separator: ", ")
            let start = data.prefix(4).map { String(format: "%02X", $0) }.joined(separator: " ")
            throw TensorScopeError.image(
                "readImage", name, "not an image in a format TensorScope reads (\(formats)); the file starts with \(start)")
        }
    }
}
