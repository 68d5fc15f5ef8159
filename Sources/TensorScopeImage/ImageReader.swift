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
        case png = "PNG"

        /// The format whose signature `bytes` start with, if any.
        public static func detect(_ bytes: Data) -> Format? {
            if bytes.starts(with: [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]) { return .png }
            return nil
        }
    }

    /// Decodes the image file at `path` into floats in `[0, 1]`, `channels` as asked.
    ///
    /// - Throws: `TensorScopeError` (`.io`) naming `path` for a missing, unreadable, empty or
    ///   too large file, one in no format listed in `Format` (the message lists those), a
    ///   truncated or corrupt one, or one with more than `maxPixels` pixels.
    public static func read(_ path: String, channels mode: ChannelMode = .native,
                            maxPixels: Int = defaultMaxPixels) throws -> Image {
        let data = try ImageFile.read(path, op: "readImage")
        switch Format.detect(data) {
        case .png:
            return try PNGReader.decode(data, path: path, channels: mode, maxPixels: maxPixels)
        case nil:
            let formats = Format.allCases.map(\.rawValue).joined(separator: ", ")
            let start = data.prefix(4).map { String(format: "%02X", $0) }.joined(separator: " ")
            throw TensorScopeError.image(
                "readImage", path, "not an image in a format TensorScope reads (\(formats)); the file starts with \(start)")
        }
    }
}
