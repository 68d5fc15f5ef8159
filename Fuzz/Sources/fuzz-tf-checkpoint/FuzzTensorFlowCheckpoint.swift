import Foundation
import FuzzDriver
import TensorScope

/// One libFuzzer input: the bytes of a V2 checkpoint's index, written as `<prefix>.index` and,
/// the same bytes again, as its one data shard, so entries point into real bytes. Opening,
/// listing and reading every tensor must give tensors or throw — never crash, hang or allocate
/// more than the files hold — and a tensor read must have its entry's shape.
func fuzzTensorFlowCheckpoint(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    guard let data else { return 0 }
    let bytes = Data(bytes: data, count: size)
    let prefix = FileManager.default.temporaryDirectory.appendingPathComponent("tensorscope-fuzz-\(getpid()).ckpt").path
    _ = FileManager.default.createFile(atPath: prefix + ".index", contents: bytes)
    _ = FileManager.default.createFile(atPath: prefix + ".data-00000-of-00001", contents: bytes)
    guard let checkpoint = try? TensorFlowCheckpoint(prefix: prefix) else { return 0 }
    for entry in checkpoint.entries {
        if let tensor = try? checkpoint.tensor(entry.key) {
            precondition(tensor.shape == entry.shape, "a tensor of another shape than its entry's")
        }
    }
    let graph = Graph()
    _ = try? graph.setInitialValues(fromTensorFlowCheckpoint: prefix, assignmentMap: ["/": "scope/"])
    return 0
}

/// The entry point libFuzzer knows (`-sanitize=fuzzer` links a `main` that would call it).
@_cdecl("LLVMFuzzerTestOneInput")
public func testOneInput(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    fuzzTensorFlowCheckpoint(data, size)
}

@main
struct Fuzz {
    static func main() { runFuzzer { data, size in fuzzTensorFlowCheckpoint(data, size) } }
}
