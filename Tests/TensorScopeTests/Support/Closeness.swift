import Numerics
import Testing

/// The comparison every numerical test uses: element-wise
/// `|actual − expected| ≤ relative · max(|expected|, scale)`, where `scale` is the largest
/// magnitude in `expected`. Relative to each value where values are large, and to the
/// tensor's own scale near zero, where float32 sums of many products cancel.
func expectClose(
    _ actual: [Float], _ expected: [Float], relative: Float = 1e-4, _ what: @autoclosure () -> String,
    sourceLocation: SourceLocation = #_sourceLocation
) {
    #expect(actual.count == expected.count, "\(what()): \(actual.count) values, expected \(expected.count)",
            sourceLocation: sourceLocation)
    guard actual.count == expected.count else { return }
    let scale = expected.map(abs).max() ?? 0
    var worst = (index: -1, error: Float(0))
    for i in actual.indices {
        let tolerance = relative * Swift.max(abs(expected[i]), scale)
        let ok = actual[i].isApproximatelyEqual(to: expected[i], absoluteTolerance: tolerance)
        if !ok && abs(actual[i] - expected[i]) > worst.error || (!ok && actual[i].isNaN) {
            worst = (i, abs(actual[i] - expected[i]))
        }
    }
    #expect(worst.index < 0,
            "\(what()): element \(worst.index) is \(worst.index >= 0 ? actual[worst.index] : 0), expected \(worst.index >= 0 ? expected[worst.index] : 0) (scale \(scale), tolerance \(relative) relative)",
            sourceLocation: sourceLocation)
}

/// A small seeded generator for test data (xorshift64*), independent of the library's.
struct TestRandom {
    var state: UInt64
    init(_ seed: UInt64) { state = seed == 0 ? 0x9E37_79B9 : seed }
    mutating func next() -> UInt64 {
        state ^= state >> 12; state ^= state << 25; state ^= state >> 27
        return state &* 2_685_821_657_736_338_717
    }
    mutating func int(_ range: ClosedRange<Int>) -> Int {
        range.lowerBound + Int(next() % UInt64(range.count))
    }
    /// Uniform in [-1, 1).
    mutating func float() -> Float { Float(next() >> 40) / Float(1 << 23) - 1 }
    mutating func floats(_ count: Int) -> [Float] { (0..<count).map { _ in float() } }
}
