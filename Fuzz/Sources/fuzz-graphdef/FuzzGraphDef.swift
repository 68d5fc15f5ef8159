import Foundation
import FuzzDriver
import TensorScope

/// One libFuzzer input: the bytes of a GraphDef file. Importing must give a graph or throw —
/// never crash, hang or allocate more than the input holds (importing computes nothing) — and
/// an imported graph must name every output it recorded and plan a Session run of each one.
func fuzzGraphDef(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    guard let data else { return 0 }
    let path = FileManager.default.temporaryDirectory.appendingPathComponent("tensorscope-fuzz-\(getpid()).pb").path
    _ = FileManager.default.createFile(atPath: path, contents: Data(bytes: data, count: size))
    guard let graph = try? Graph(importingGraphDef: URL(fileURLWithPath: path)) else { return 0 }
    // Feed shapes for planning: each placeholder with its unknown sizes taken as 2.
    var feedShapes: [String: [Int]] = [:]
    for operation in graph.operations where operation.type == "Placeholder" {
        feedShapes[operation.name] = operation.outputShape.map { $0 < 0 ? 2 : $0 }
    }
    guard let session = try? Session(graph: graph) else { return 0 }
    for operation in graph.operations.prefix(64) {
        let tensor = try? graph.tensor(named: operation.name)
        precondition(tensor != nil || operation.outputShapes.isEmpty, "a recorded op without its output")
        if let tensor { _ = try? session.planSummary([tensor], feedShapes: feedShapes) }
    }
    return 0
}

/// The entry point libFuzzer knows (`-sanitize=fuzzer` links a `main` that would call it).
@_cdecl("LLVMFuzzerTestOneInput")
public func testOneInput(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    fuzzGraphDef(data, size)
}

@main
struct Fuzz {
    static func main() { runFuzzer { data, size in fuzzGraphDef(data, size) } }
}
