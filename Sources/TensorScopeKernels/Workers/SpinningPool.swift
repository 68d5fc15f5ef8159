import CConvKernels
import Foundation
import Synchronization

/// The process's worker threads: `Workers.count − 1` threads started once, which after each
/// job spin for a while (`spinSeconds`) before they sleep, so the next op of a forward pass —
/// typically microseconds later — finds them awake. Handing an op to a sleeping thread costs a
/// futex wake-up and a context switch on both sides (measured: 13 % of the digits CNN's time at
/// batch 256 went to them with Dispatch's workers, which sleep between ops).
///
/// One job at a time: a caller that finds the pool busy (another task's op, or an op started
/// from inside a job) gets `false` and runs its work another way.
package final class SpinningPool: @unchecked Sendable {
    package static let shared = SpinningPool(threads: Workers.count - 1)

    /// How long an idle worker spins before it sleeps.
    static let spinSeconds = 200e-6

    let threads: Int
    /// Bumped (releasing) to publish a job; workers wait for it to change.
    private let generation = Atomic<UInt64>(0)
    /// Pool threads still running the current job.
    private let remaining = Atomic<Int>(0)
    private let busy = Atomic<Bool>(false)
    private let sleepers = Atomic<Int>(0)
    /// The current job: written before `generation` is bumped, read after it is seen.
    private var job: ((Int) -> Void)?
    private let mutex = UnsafeMutablePointer<pthread_mutex_t>.allocate(capacity: 1)
    private let wake = UnsafeMutablePointer<pthread_cond_t>.allocate(capacity: 1)

    init(threads: Int) {
        self.threads = max(0, threads)
        pthread_mutex_init(mutex, nil)
        pthread_cond_init(wake, nil)
        for index in 0..<self.threads {
            let thread = Thread { [unowned self] in self.work(index: index + 1) }
            thread.name = "TensorScope worker \(index + 1)"
            thread.start()
        }
    }

    /// Runs `body(i)` for `i` in `0..<threads + 1`, the caller taking `0`, and returns when all
    /// have returned; `false` (nothing run) when the pool is busy.
    package func run(_ body: (Int) -> Void) -> Bool {
        guard threads > 0, busy.compareExchange(expected: false, desired: true, ordering: .acquiring).exchanged else {
            return false
        }
        withoutActuallyEscaping(body) { body in
            job = body
            remaining.store(threads, ordering: .relaxed)
            generation.add(1, ordering: .releasing)
            if sleepers.load(ordering: .acquiring) > 0 {
                pthread_mutex_lock(mutex)
                pthread_cond_broadcast(wake)
                pthread_mutex_unlock(mutex)
            }
            body(0)
            while remaining.load(ordering: .acquiring) > 0 { ts_cpu_relax() }
            job = nil
        }
        busy.store(false, ordering: .releasing)
        return true
    }

    private func work(index: Int) {
        var seen: UInt64 = 0
        while true {
            var spins = 0
            var deadline: Double?
            while generation.load(ordering: .acquiring) == seen {
                spins += 1
                guard spins & 1023 == 0 else {
                    ts_cpu_relax()
                    continue
                }
                let now = Self.seconds()
                if deadline == nil { deadline = now + Self.spinSeconds }
                if now >= deadline! {
                    pthread_mutex_lock(mutex)
                    sleepers.add(1, ordering: .sequentiallyConsistent)
                    while generation.load(ordering: .sequentiallyConsistent) == seen {
                        pthread_cond_wait(wake, mutex)
                    }
                    sleepers.subtract(1, ordering: .relaxed)
                    pthread_mutex_unlock(mutex)
                }
            }
            seen = generation.load(ordering: .acquiring)
            job?(index)
            remaining.subtract(1, ordering: .releasing)
        }
    }

    private static func seconds() -> Double {
        var ts = timespec()
        clock_gettime(CLOCK_MONOTONIC, &ts)
        return Double(ts.tv_sec) + Double(ts.tv_nsec) * 1e-9
    }
}
