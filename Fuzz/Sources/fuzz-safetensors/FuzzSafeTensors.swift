import Foundation
import FuzzDriver
import TensorScope

/// One libFuzzer input: the bytes of a checkpoint. Decoding, reading and strict reading must
/// return tensors or throw — never crash or allocate without bound — and agree with each other.
func fuzzSafeTensors(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    guard let data else { return 0 }
    let bytes = Data(bytes: data, count: size)
    let decoded = try? SafeTensors.decode(bytes)
    let path = FileManager.default.temporaryDirectory.appendingPathComponent("tensorscope-fuzz-\(getpid()).safetensors").path
    _ = FileManager.default.createFile(atPath: path, contents: bytes)
    let read = try? SafeTensors.read(path)
    precondition((decoded == nil) == (read == nil), "decode and read disagree")
    if let decoded, let read {
        // Bit for bit: a damaged buffer may hold NaNs, which never equal themselves.
        precondition(decoded.mapValues { $0.shape } == read.mapValues { $0.shape }
                         && decoded.allSatisfy { $0.value.scalars.map(\.bitPattern) == read[$0.key]!.scalars.map(\.bitPattern) },
                     "decode and read give different tensors")
        _ = try? SafeTensors.read(path, expecting: decoded.mapValues(\.shape))
    }
    _ = try? SafeTensors.read(path, expecting: ["w": [2, 2]])
    return 0
}

/// The entry point libFuzzer knows (`-sanitize=fuzzer` links a `main` that would call it).
@_cdecl("LLVMFuzzerTestOneInput")
public func testOneInput(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    fuzzSafeTensors(data, size)
}

@main
struct Fuzz {
    static func main() { runFuzzer { data, size in fuzzSafeTensors(data, size) } }
}
