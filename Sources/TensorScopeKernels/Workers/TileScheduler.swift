import Dispatch
import Synchronization

/// Spreads the tiles of one output over the cores: one worker per core (at most one per tile),
/// each claiming tiles one at a time from a shared counter, so a core that runs slower (a busy
/// neighbour on a shared machine) takes fewer tiles instead of holding up the end. Shared by
/// every convolution algorithm and by pooling.
package struct TileScheduler: Sendable {
    package let tileCount: Int
    package let workers: Int

    package init(tileCount: Int, maxWorkers: Int) {
        self.tileCount = tileCount
        workers = max(1, min(maxWorkers, tileCount))
    }

    /// Runs `work` once per worker, concurrently; each call takes tiles from `next()` until it
    /// returns nil. Returns whether every call returned true.
    package func run(_ work: (_ next: () -> Int?) -> Bool) -> Bool {
        if workers == 1 {
            // No counter object to share: the tiles in order, from a local.
            var tile = 0
            return work {
                guard tile < tileCount else { return nil }
                tile += 1
                return tile - 1
            }
        }
        let counter = TileCounter()
        let count = tileCount
        let next = { () -> Int? in
            let tile = counter.value.wrappingAdd(1, ordering: .relaxed).oldValue
            return tile < count ? tile : nil
        }
        let results = UnsafeMutableBufferPointer<Bool>.allocate(capacity: workers)
        results.initialize(repeating: true)
        defer { results.deallocate() }
        // The spinning pool when it is free and has the workers; Dispatch's otherwise (another
        // op holds the pool, or this one runs inside a job of it).
        let pool = SpinningPool.shared
        let pooled = workers <= pool.threads + 1 && pool.run { worker in
            if worker < workers { results[worker] = work(next) }
        }
        if !pooled {
            withoutActuallyEscaping(work) { work in
                let shared = Unchecked((work, next, results))
                DispatchQueue.concurrentPerform(iterations: workers) { worker in
                    let (work, next, results) = shared.value
                    results[worker] = work(next)
                }
            }
        }
        return results.allSatisfy { $0 }
    }
}

/// Hands values that are safe to share for the duration of one `concurrentPerform` (each
/// worker writes only its own result slot; the closures only read) across its closure.
private struct Unchecked<T>: @unchecked Sendable {
    package let value: T
    package init(_ value: T) { self.value = value }
}

/// The index of the next unclaimed tile.
private final class TileCounter: Sendable {
    package let value = Atomic<Int>(0)
}
