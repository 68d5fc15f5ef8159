/// 64 Ki floats of zeros, made once and only read: what a convolution's taps read where they
/// fall in the padding (every kernel row or pixel up to 64 Ki floats long), so no call
/// allocates and clears its own.
package enum SharedZeros {
    package static let count = 1 << 16
    nonisolated(unsafe) package static let floats: UnsafeMutablePointer<Float> = {
        let zeros = UnsafeMutablePointer<Float>.allocate(capacity: count)
        zeros.initialize(repeating: 0, count: count)
        return zeros
    }()

    /// Calls `body` with at least `count` zeros: the shared ones, or a buffer of its own for
    /// a longer run.
    package static func withZeros<R>(_ count: Int, _ body: (UnsafePointer<Float>) throws -> R) rethrows -> R {
        if count <= Self.count { return try body(floats) }
        let own = UnsafeMutablePointer<Float>.allocate(capacity: count)
        own.initialize(repeating: 0, count: count)
        defer { own.deallocate() }
        return try body(own)
    }
}
