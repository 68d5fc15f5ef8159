import Foundation

/// The EXIF orientation tag (0x0112) of a JPEG: how the stored pixels must be turned to show
/// the photo upright. Phones store portrait photos sideways with tag 6 or 8.
public enum EXIFOrientation: Int, Sendable, CaseIterable {
    /// 1: stored upright.
    case up = 1
    /// 2: mirrored left to right.
    case upMirrored
    /// 3: upside down.
    case down
    /// 4: mirrored top to bottom.
    case downMirrored
    /// 5: mirrored along the main diagonal (transposed).
    case leftMirrored
    /// 6: turned a quarter anticlockwise; shown turned a quarter clockwise (a phone held upright).
    case right
    /// 7: mirrored along the other diagonal.
    case rightMirrored
    /// 8: turned a quarter clockwise; shown turned a quarter anticlockwise.
    case left

    /// The tag from the first APP1 "Exif" segment before the image data, if any and valid.
    /// Reads only within the segment's bounds; anything malformed means "no orientation".
    static func read(from data: Data) -> EXIFOrientation? {
        // Walks the segment headers in place; only an Exif segment is copied out.
        data.withUnsafeBytes { bytes -> EXIFOrientation? in
            var offset = 2  // after SOI
            while offset + 4 <= bytes.count, bytes[offset] == 0xFF {
                let marker = bytes[offset + 1]
                if marker == 0xDA || marker == 0xD9 { return nil }  // image data: no more metadata
                let length = Int(bytes[offset + 2]) << 8 | Int(bytes[offset + 3])
                guard length >= 2, offset + 2 + length <= bytes.count else { return nil }
                if marker == 0xE1, length > 16 {
                    let segment = Array(bytes[(offset + 4)..<(offset + 2 + length)])
                    if segment.starts(with: Array("Exif\0\0".utf8)) { return fromTIFF(Array(segment[6...])) }
                }
                offset += 2 + length
            }
            return nil
        }
    }

    /// IFD0's orientation entry in a TIFF structure.
    private static func fromTIFF(_ tiff: [UInt8]) -> EXIFOrientation? {
        guard tiff.count >= 8 else { return nil }
        let little: Bool
        switch (tiff[0], tiff[1]) {
        case (0x49, 0x49): little = true
        case (0x4D, 0x4D): little = false
        default: return nil
        }
        func u16(_ at: Int) -> Int? {
            guard at >= 0, at + 2 <= tiff.count else { return nil }
            return little ? Int(tiff[at]) | Int(tiff[at + 1]) << 8 : Int(tiff[at]) << 8 | Int(tiff[at + 1])
        }
        func u32(_ at: Int) -> Int? {
            guard let a = u16(at), let b = u16(at + 2) else { return nil }
            return little ? a | b << 16 : a << 16 | b
        }
        guard u16(2) == 42, let ifd = u32(4), let count = u16(ifd) else { return nil }
        for entry in 0..<min(count, 512) {
            let at = ifd + 2 + 12 * entry
            guard let tag = u16(at) else { return nil }
            if tag == 0x0112 {
                guard u16(at + 2) == 3, let value = u16(at + 8) else { return nil }  // SHORT
                return EXIFOrientation(rawValue: value)
            }
        }
        return nil
    }
}

extension Image {
    /// The image turned upright for an EXIF orientation.
    func oriented(_ orientation: EXIFOrientation) -> Image {
        let (w, h, c) = (width, height, channels)
        let swaps = [.leftMirrored, .right, .rightMirrored, .left].contains(orientation)
        let (ow, oh) = swaps ? (h, w) : (w, h)
        var out = [Float](repeating: 0, count: pixels.count)
        for y in 0..<oh {
            for x in 0..<ow {
                // The stored pixel that shows at (x, y) once upright.
                let (sx, sy): (Int, Int) = switch orientation {
                case .up: (x, y)
                case .upMirrored: (w - 1 - x, y)
                case .down: (w - 1 - x, h - 1 - y)
                case .downMirrored: (x, h - 1 - y)
                case .leftMirrored: (y, x)
                case .right: (y, h - 1 - x)
                case .rightMirrored: (w - 1 - y, h - 1 - x)
                case .left: (w - 1 - y, x)
                }
                let (o, s) = ((y * ow + x) * c, (sy * w + sx) * c)
                for k in 0..<c { out[o + k] = pixels[s + k] }
            }
        }
        return Image(width: ow, height: oh, channels: c, pixels: out)
    }
}
