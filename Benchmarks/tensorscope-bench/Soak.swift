import Foundation
import TensorScope
import TensorScopeModels

/// 10⁴ forward passes of a small stack in one graph — scopes opened per pass, ops not recorded,
/// as a long-running service would run them — with resident memory read after the first 100
/// passes and after the last: a leak or a growing table shows as the difference.
enum Soak {
    static func run(passes: Int = 10_000, json: Bool) throws {
        let graph = Graph()
        graph.recordsOperations = false
        let images = try Initializer.randomNormal(seed: 9).tensor(shape: [2, 16, 16, 3])
        func pass() throws {
            _ = try graph.asDefault {
                try variableScope("image_filters", reuse: .autoReuse) { _ in
                    try nameScope("tower") { try softmax(try reshape(try myImageFilter(images, seed: 1), [2, -1])) }
                }
            }
        }
        for _ in 0..<100 { try pass() }
        let start = Memory.residentBytes()
        let began = Date()
        for _ in 100..<passes { try pass() }
        let end = Memory.residentBytes()
        let seconds = Date().timeIntervalSince(began)
        if json {
            print("{\"name\":\"soak\",\"passes\":\(passes),\"rss_start_bytes\":\(start),\"rss_end_bytes\":\(end),\"seconds\":\(seconds)}")
        } else {
            print(String(format: "soak                   %d passes of my_image_filter [2,16,16,3] + reshape + softmax: RSS %.1f MiB after 100, %.1f MiB after %d (%+.2f MiB), %.1f s",
                         passes, Double(start) / 1_048_576, Double(end) / 1_048_576, passes, Double(end - start) / 1_048_576, seconds))
        }
    }
}
