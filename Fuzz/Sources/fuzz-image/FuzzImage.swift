import Foundation
import FuzzDriver
import TensorScope
import TensorScopeImage

/// One libFuzzer input: the bytes of an image file, PNG or JPEG (the reader picks the decoder by
/// the first bytes; the seed corpus has both, and the hostile JPEGs of
/// scripts/generate_hostile_jpegs.py), decoded from memory at full size and headed for a small
/// batch (a JPEG then decodes at a reduced DCT scale; progressive ones keep whole-image
/// coefficients, under a budget small enough to meet often). Decoding must return an image or
/// throw — never crash, hang or allocate without bound — and a decoded image must be
/// self-consistent, and survive fitting to a batch.
func fuzzImage(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    guard let data else { return 0 }
    let bytes = Data(bytesNoCopy: UnsafeMutableRawPointer(mutating: data), count: size, deallocator: .none)
    for targetSize in [nil, 16] as [Int?] {
        let options = ImageReader.ReadOptions(
            channels: .rgb, maxPixels: 1 << 20, targetSize: targetSize, maxProgressiveBytes: 16 << 20)
        guard let image = try? ImageReader.decode(bytes, name: "input", options: options) else { continue }
        precondition(image.pixels.count == image.width * image.height * 3)
        precondition(image.pixels.allSatisfy { $0 >= 0 && $0 <= 1 })
        _ = try? ImageBatch.fitted(image, size: 16, fit: .fill, path: "input")
    }
    return 0
}

/// The entry point libFuzzer knows (`-sanitize=fuzzer` links a `main` that would call it).
@_cdecl("LLVMFuzzerTestOneInput")
public func testOneInput(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    fuzzImage(data, size)
}

@main
struct Fuzz {
    static func main() { runFuzzer { data, size in fuzzImage(data, size) } }
}
