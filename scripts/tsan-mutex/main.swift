// Does ThreadSanitizer see Synchronization.Mutex on this toolchain? Two threads update a
// dictionary, only ever inside the lock: a correct program. Built by scripts/tsan with
// -sanitize=thread twice, once with Mutex and once with NSLock (-D USE_NSLOCK); a report for
// the Mutex build and none for the NSLock one mean TSan's reports on Mutex-guarded state are
// the toolchain's, not races.
import Foundation
import Synchronization

#if USE_NSLOCK
final class Box: @unchecked Sendable {
    private let lock = NSLock()
    private var counts: [String: Int] = [:]
    func add(_ key: String, _ amount: Int) { lock.withLock { counts[key, default: 0] += amount } }
    var total: Int { lock.withLock { counts.values.reduce(0, +) } }
}
#else
final class Box: Sendable {
    private let counts = Mutex<[String: Int]>([:])
    func add(_ key: String, _ amount: Int) { counts.withLock { $0[key, default: 0] += amount } }
    var total: Int { counts.withLock { $0.values.reduce(0, +) } }
}
#endif

// Both threads start together and run long enough to overlap even on a loaded machine.
let box = Box()
let group = DispatchGroup()
let start = DispatchSemaphore(value: 0)
for thread in 0..<2 {
    group.enter()
    Thread {
        start.wait()
        for i in 0..<100_000 { box.add("k\(i % 7)", thread + 1) }
        group.leave()
    }.start()
}
start.signal()
start.signal()
group.wait()
print("total \(box.total) (expected 300000)")
