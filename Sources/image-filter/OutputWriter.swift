import Dispatch
import Foundation
import TensorScope

/// Writes each batch's outputs on a thread of its own while the next batch computes. At most
/// one batch waits to be written (a second `submit` waits for it), so memory stays bounded;
/// the first write error is reported by the next `submit` or by `finish`.
final class OutputWriter: @unchecked Sendable {
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

    func submit(_ work: @escaping @Sendable () throws -> Void) throws {
        try check()
        slots.wait()
        queue.async { [self] in
            defer { slots.signal() }
            let start = Date()
            do { try work() } catch {
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
}
