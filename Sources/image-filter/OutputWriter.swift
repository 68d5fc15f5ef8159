import Dispatch
import Foundation
import TensorScope

/// Writes each batch's outputs on threads of their own while the next batch computes. At most
/// one batch waits to be written (a second `submit` waits for it), so memory stays bounded;
/// the first write error is reported by the next `submit` or by `finish`.
///
/// A batch's files are written up to `filesAtOnce` at a time: each file is synced before it
/// is renamed into place (`AtomicFile`), and a disk completes several flushes in flight
/// sooner than the same flushes one after another (6.4 MB files with fsync on this project's
/// 2-core VM: 28 ms each one at a time, 16 ms four at a time).
final class OutputWriter: @unchecked Sendable {
    static let filesAtOnce = 4

    private let queue = DispatchQueue(label: "image-filter.write")
    private let slots = DispatchSemaphore(value: 1)
    private let lock = NSLock()
    private var failure: Error?
    private var busy = 0.0

    /// Seconds spent writing so far.
    var seconds: Double {
        lock.lock()
        defer { lock.unlock() }
        return busy
    }

    /// Queues one batch's writes, each independent of the others.
    func submit(_ writes: [@Sendable () throws -> Void]) throws {
        try check()
        slots.wait()
        queue.async { [self] in
            defer { slots.signal() }
            let start = Date()
            if let error = Self.run(writes, width: Self.filesAtOnce) {
                lock.lock()
                if failure == nil { failure = error }
                lock.unlock()
            }
            lock.lock()
            busy += Date().timeIntervalSince(start)
            lock.unlock()
        }
    }

    /// Waits for every submitted write; throws the first error.
    func finish() throws {
        queue.sync {}
        try check()
    }

    private func check() throws {
        lock.lock()
        defer { lock.unlock() }
        if let failure { throw failure }
    }

    /// Runs `writes` on up to `width` threads (this one and `width - 1` more), each taking the
    /// next write in order; returns the first error in order, after all have run.
    static func run(_ writes: [@Sendable () throws -> Void], width: Int) -> Error? {
        let errors = ErrorSlots(count: writes.count)
        let next = Counter()
        @Sendable func work() {
            while let index = next.take(below: writes.count) {
                do { try writes[index]() } catch { errors.set(index, error) }
            }
        }
        let group = DispatchGroup()
        for _ in 1..<max(1, min(width, writes.count)) {
            group.enter()
            Thread { work(); group.leave() }.start()
        }
        work()
        group.wait()
        return errors.first
    }

    private final class Counter: @unchecked Sendable {
        private let lock = NSLock()
        private var value = 0
        func take(below limit: Int) -> Int? {
            lock.withLock {
                guard value < limit else { return nil }
                defer { value += 1 }
                return value
            }
        }
    }

    private final class ErrorSlots: @unchecked Sendable {
        private let lock = NSLock()
        private var errors: [Error?]
        init(count: Int) { errors = Array(repeating: nil, count: count) }
        func set(_ index: Int, _ error: Error) { lock.withLock { errors[index] = error } }
        var first: Error? { lock.withLock { errors.compactMap { $0 }.first } }
    }
}
