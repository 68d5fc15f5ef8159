import TensorScopeKernels
#if canImport(Glibc)
import Glibc
#endif

/// A readers–writer lock over a graph's variable values: any number of forward passes read,
/// `restoreVariables` writes — all values at once, while no reader is inside.
final class VariableValuesLock: @unchecked Sendable {
    private let lock = UnsafeMutablePointer<pthread_rwlock_t>.allocate(capacity: 1)

    init() {
        lock.initialize(to: pthread_rwlock_t())
        pthread_rwlock_init(lock, nil)
    }

    deinit {
        pthread_rwlock_destroy(lock)
        lock.deallocate()
    }

    func reading<R>(_ body: () throws -> R) rethrows -> R {
        pthread_rwlock_rdlock(lock)
        defer { pthread_rwlock_unlock(lock) }
        return try body()
    }

    func writing<R>(_ body: () throws -> R) rethrows -> R {
        pthread_rwlock_wrlock(lock)
        defer { pthread_rwlock_unlock(lock) }
        return try body()
    }
}

extension Graph {
    /// Runs `body` — a forward pass, say — so that every variable it reads holds values from
    /// one checkpoint: `restoreVariables` waits until `body` is done, and `body` does not
    /// start while a restore is swapping values. Reads outside such a block are each consistent
    /// on their own, but a pass that reads several variables while a restore runs could mix
    /// checkpoints.
    ///
    /// `ImageFilterModel.run` wraps each tower in it. Calling `restoreVariables` inside the
    /// block is an error (it would wait for itself).
    @discardableResult
    public func readingVariables<R>(_ body: () throws -> R) rethrows -> R {
        try valuesLock.reading {
            try Graph.$readingDepth.withValue(Graph.readingDepth + 1, operation: body)
        }
    }

    /// How many `readingVariables` blocks the current task is in.
    @TaskLocal static var readingDepth = 0
}
