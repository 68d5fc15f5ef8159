/// Runs `body(chunk)` for every chunk in `0..<count` on the workers (`TileScheduler`): one
/// chunk runs on the calling thread with no hand-off, so an op too small to split costs nothing
/// extra. For loops whose chunks are independent (element-wise ops, copies).
package func parallelChunks(count: Int, _ body: (Int) -> Void) {
    guard count > 0 else { return }
    if count == 1 { return body(0) }
    _ = TileScheduler(tileCount: count, maxWorkers: Workers.count).run { next in
        while let chunk = next() { body(chunk) }
        return true
    }
}
