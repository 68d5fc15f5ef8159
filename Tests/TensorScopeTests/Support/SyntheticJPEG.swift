import CJPEG
import Foundation

/// Camera-size JPEGs made on the spot with libjpeg-turbo's encoder (TurboJPEG), so tests on
/// large photos do not need megabytes of fixtures: smooth colour gradients with fine texture,
/// 4:2:0 like a camera's, baseline or progressive.
enum SyntheticJPEG {
    static func make(width: Int, height: Int, progressive: Bool, quality: Int32 = 90) throws -> Data {
        var pixels = [UInt8](repeating: 0, count: width * height * 3)
        pixels.withUnsafeMutableBufferPointer { buffer in
            for y in 0..<height {
                for x in 0..<width {
                    let i = (y * width + x) * 3
                    let texture = (x &* 7 &+ y &* 13) & 15
                    buffer[i] = UInt8(truncatingIfNeeded: x * 255 / width + texture)
                    buffer[i + 1] = UInt8(truncatingIfNeeded: y * 255 / height + texture)
                    buffer[i + 2] = UInt8(truncatingIfNeeded: (x + y) * 127 / (width + height) + texture)
                }
            }
        }
        guard let handle = tjInitCompress() else { throw Failure("tjInitCompress failed") }
        defer { tjDestroy(handle) }
        var output: UnsafeMutablePointer<UInt8>?
        var size: UInt = 0
        let flags = progressive ? TJFLAG_PROGRESSIVE : 0
        let status = tjCompress2(handle, pixels, Int32(width), 0, Int32(height), Int32(TJPF_RGB.rawValue),
                                 &output, &size, Int32(TJSAMP_420.rawValue), quality, flags)
        defer { tjFree(output) }
        guard status == 0, let output else { throw Failure("tjCompress2: \(String(cString: tjGetErrorStr2(handle)))") }
        return Data(bytes: output, count: Int(size))
    }

    struct Failure: Error, CustomStringConvertible {
        let description: String
        init(_ description: String) { self.description = description }
    }
}
