import TensorScopeKernels
#if canImport(Glibc)
import Glibc
#endif

/// A readers–writer lock over a graph's variable values: any number of forward passes read,
/// `restoreVariables` writes — all values at once, while no reader is inside.
///
/// Writers go first: once a restore waits, new readers wait behind it, so a restore waits at
/// most for the passes already running (glibc's default rwlock prefers readers, and a steady
/// stream of passes could hold a restore off indefinitely). Not recursive: a task inside a read
/// does not lock again (`readingVariables` counts the depth).
final class VariableValuesLock: @unchecked Sendable {
    private let mutex = UnsafeMutablePointer<pthread_mutex_t>.allocate(capacity: 1)
    private let changed = UnsafeMutablePointer<pthread_cond_t>.allocate(capacity: 1)
    // Guarded by `mutex`.
    private var readers = 0
    private var writing = false
    private var writersWaiting = 0

    init() {
        mutex.initialize(to: pthread_mutex_t())
        changed.initialize(to: pthread_cond_t())
        pthread_mutex_init(mutex, nil)
        pthread_cond_init(changed, nil)
    }

    deinit {
        pthread_cond_destroy(changed)
        pthread_mutex_destroy(mutex)
        changed.deallocate()
        mutex.deallocate()
    }

    func reading<R>(_ body: () throws -> R) rethrows -> R {
        pthread_mutex_lock(mutex)
        while writing || writersWaiting > 0 { pthread_cond_wait(changed, mutex) }
        readers += 1
        pthread_mutex_unlock(mutex)
        defer {
            pthread_mutex_lock(mutex)
            readers -= 1
            if readers == 0 { pthread_cond_broadcast(changed) }
            pthread_mutex_unlock(mutex)
        }
        return try body()
    }

    func writing<R>(_ body: () throws -> R) rethrows -> R {
        pthread_mutex_lock(mutex)
        writersWaiting += 1
        while writing || readers > 0 { pthread_cond_wait(changed, mutex) }
        writersWaiting -= 1
        writing = true
        pthread_mutex_unlock(mutex)
        defer {
            pthread_mutex_lock(mutex)
            writing = false
            pthread_cond_broadcast(changed)
            pthread_mutex_unlock(mutex)
        }
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
        // Inside a read already (this task, or its parent task, holds it until this returns):
        // the lock is not recursive, and a waiting restore must not wait for itself.
        if Graph.readingDepth > 0 { return try Graph.$readingDepth.withValue(Graph.readingDepth + 1, operation: body) }
        return try valuesLock.reading {
            try Graph.$readingDepth.withValue(Graph.readingDepth + 1, operation: body)
        }
    }

    /// How many `readingVariables` blocks the current task is in.
    @TaskLocal static var readingDepth = 0
}
