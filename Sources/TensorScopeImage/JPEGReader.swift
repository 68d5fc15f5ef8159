import CJPEG
import Foundation
import TensorScope

/// Reads JPEG files through libjpeg-turbo's TurboJPEG API: baseline and progressive, gray, RGB
/// (YCbCr) and CMYK/YCCK, 8-bit.
///
/// Large photos can be decoded at a reduced DCT scale (1/2, 1/4 or 1/8, see
/// `ImageReader.ReadOptions.targetSize`), so a 24-megapixel photo headed for a 224-pixel batch
/// never costs a full-size decode. The EXIF orientation of phone photos is applied unless
/// `appliesOrientation` is off.
public enum JPEGReader {
    /// Decodes the JPEG at `path` with `options`.
    public static func read(_ path: String, options: ImageReader.ReadOptions = .init()) throws -> Image {
        try decode(ImageFile.read(path, op: "readJPEG"), path: path, options: options)
    }

    static func decode(_ data: Data, path: String, options: ImageReader.ReadOptions) throws -> Image {
        func fault(_ what: String) -> TensorScopeError { TensorScopeError.image("readJPEG", path, what) }
        guard ImageReader.Format.detect(data) == .jpeg else { throw fault("not a JPEG file (bad signature)") }
        guard let handle = tjInitDecompress() else { throw fault("libjpeg-turbo could not start") }
        defer { tjDestroy(handle) }
        func message() -> String { String(cString: tjGetErrorStr2(handle)) }
        var (width, height, subsampling, colorspace): (Int32, Int32, Int32, Int32) = (0, 0, 0, 0)
        let headerOK = data.withUnsafeBytes { raw in
            tjDecompressHeader3(handle, raw.bindMemory(to: UInt8.self).baseAddress, UInt(raw.count),
                                &width, &height, &subsampling, &colorspace) == 0
        }
        guard headerOK else { throw fault("corrupt JPEG header (\(message()))") }
        guard width > 0, height > 0 else { throw fault("expected a non-empty image, got \(width) × \(height)") }
        let denominator = scaleDenominator(width: Int(width), height: Int(height), targetSize: options.targetSize)
        let (outWidth, outHeight) = (Int(tsjpeg_scaled(width, 1, Int32(denominator))), Int(tsjpeg_scaled(height, 1, Int32(denominator))))
        // The pixel limit applies to what is decoded, after DCT scaling.
        guard outWidth.multipliedReportingOverflow(by: outHeight).partialValue <= options.maxPixels else {
            let scaled = denominator > 1 ? " decoded at 1/\(denominator)" : ""
            throw fault("expected at most \(options.maxPixels) pixels, got \(outWidth) × \(outHeight)\(scaled) (\(width) × \(height) stored)")
        }
        // A progressive image keeps coefficients of its stored size, whatever the DCT scale.
        if let frame = data.withUnsafeBytes({ JPEGFrame.read($0) }), frame.progressive,
           frame.coefficientBytes > options.maxProgressiveBytes {
            throw fault("expected a progressive JPEG whose decoding needs at most \(options.maxProgressiveBytes >> 20) MiB, "
                        + "got \(frame.width) × \(frame.height) needing \(frame.coefficientBytes >> 20) MiB of coefficients")
        }
        let cmyk = colorspace == Int32(TJCS_CMYK.rawValue) || colorspace == Int32(TJCS_YCCK.rawValue)
        let gray = colorspace == Int32(TJCS_GRAY.rawValue)
        let (format, stored): (TJPF, Int) = cmyk ? (TJPF_CMYK, 4) : gray ? (TJPF_GRAY, 1) : (TJPF_RGB, 3)
        var bytes = [UInt8](repeating: 0, count: outWidth * outHeight * stored)
        let decoded = data.withUnsafeBytes { raw in
            bytes.withUnsafeMutableBufferPointer { out in
                // Any warning (a truncated or damaged stream) is an error, as in tf.io.decode_jpeg;
                // more than 500 progressive scans too (each costs a pass over the coefficients,
                // so a small file of many scans would take minutes);
                // the fast integer DCT is decode_jpeg's default ("" → INTEGER_FAST), and with it
                // the pixels match TensorFlow's within one level (the accurate DCT differs by up to 6).
                tjDecompress2(handle, raw.bindMemory(to: UInt8.self).baseAddress, UInt(raw.count), out.baseAddress,
                              Int32(outWidth), 0, Int32(outHeight), format.rawValue,
                              TJFLAG_STOPONWARNING | TJFLAG_FASTDCT | TJFLAG_LIMITSCANS) == 0
            }
        }
        guard decoded else {
            let reason = message()
            throw fault(reason.contains("scans")
                ? "expected a progressive JPEG of at most 500 scans, got more (\(reason))"
                : "truncated or corrupt JPEG data (\(reason))")
        }
        var values: [Float]
        var color = gray ? 1 : 3
        if cmyk {
            // Adobe's inverted CMYK, as TensorFlow converts it: R = C·K / 255 (integer), likewise G, B.
            values = [Float](repeating: 0, count: outWidth * outHeight * 3)
            for p in 0..<(outWidth * outHeight) {
                let k = Int(bytes[4 * p + 3])
                for c in 0..<3 { values[3 * p + c] = Float(Int(bytes[4 * p + c]) * k / 255) / 255 }
            }
            color = 3
        } else {
            values = bytes.map { Float($0) / 255 }
        }
        var image = Image(width: outWidth, height: outHeight, channels: color, pixels: values)
        if options.appliesOrientation, let orientation = EXIFOrientation.read(from: data), orientation != .up {
            image = image.oriented(orientation)
        }
        let converted = ChannelConversion.convert(image.pixels, stored: image.channels, color: image.channels, to: options.channels)
        return Image(width: image.width, height: image.height, channels: converted.channels, pixels: converted.values)
    }

    /// The DCT scale `1/d` to decode at: the smallest image whose shorter side is still at
    /// least twice `targetSize`, used only when the stored shorter side is at least four times
    /// it (below that, decoding at full size keeps the result equal to TensorFlow's).
    static func scaleDenominator(width: Int, height: Int, targetSize: Int?) -> Int {
        guard let targetSize, targetSize > 0 else { return 1 }
        let shorter = min(width, height)
        guard shorter >= 4 * targetSize else { return 1 }
        for d in [8, 4, 2] where (shorter + d - 1) / d >= 2 * targetSize { return d }
        return 1
    }
}
