/// The binary element-wise operators, and the loops of the element-wise ops: each writes into
/// an output buffer its caller gives (which may be one of the inputs).
package enum BinaryOperator: Sendable {
    /// `maximum` and `minimum` propagate a NaN from either side, as TensorFlow's do.
    case add, subtract, multiply, divide, maximum, minimum

    /// `a ⊙ b` on 16 lanes.
    @inline(__always)
    func callAsFunction(_ a: SIMD16<Float>, _ b: SIMD16<Float>) -> SIMD16<Float> {
        switch self {
        case .add: a + b
        case .subtract: a - b
        case .multiply: a * b
        case .divide: a / b
        case .maximum: a.replacing(with: b, where: b .> a).replacing(with: b, where: b .!= b)
        case .minimum: a.replacing(with: b, where: b .< a).replacing(with: b, where: b .!= b)
        }
    }

    /// `a ⊙ b`.
    @inline(__always)
    func callAsFunction(_ a: Float, _ b: Float) -> Float {
        switch self {
        case .add: a + b
        case .subtract: a - b
        case .multiply: a * b
        case .divide: a / b
        case .maximum: b.isNaN || b > a ? b : a
        case .minimum: b.isNaN || b < a ? b : a
        }
    }
}

package enum Elementwise {
    /// Elements per chunk a worker takes: enough to repay the hand-off, few enough for two
    /// cores to share a layer's output.
    static let chunk = 1 << 15

    /// `out[i] = big[i] ⊙ small[i % period]` (or `small[i % period] ⊙ big[i]` when
    /// `smallOnRight` is false), for `big.count` elements; `small` holds `period` values.
    ///
    /// Explicit 16-lane vectors (the compiler does not vectorise loops through pointers that may
    /// alias, and `out` may be an input), spread over the workers in whole rows of `period`.
    package static func binary(
        _ f: BinaryOperator, big: UnsafeBufferPointer<Float>, small: UnsafeBufferPointer<Float>, period: Int,
        smallOnRight: Bool, into out: UnsafeMutablePointer<Float>
    ) {
        guard let a = big.baseAddress, big.count > 0, period > 0 else { return }
        let b = small.baseAddress!
        let count = big.count
        if period == 1 {
            // A scalar operand: the same vector loop as two tensors, the scalar broadcast once.
            let s = b[0]
            parallelChunks(count: (count + chunk - 1) / chunk) { c in
                let start = c * chunk
                apply(f, a + start, SIMD16(repeating: s), s, count: min(chunk, count - start), smallOnRight, out + start)
            }
            return
        }
        let rows = count / period
        let rowsPerChunk = max(1, chunk / period)
        parallelChunks(count: (rows + rowsPerChunk - 1) / rowsPerChunk) { c in
            for r in (c * rowsPerChunk)..<min(rows, (c + 1) * rowsPerChunk) {
                if smallOnRight {
                    lanes(a + r * period, b, count: period, into: out + r * period, { f($0, $1) }, { f($0, $1) })
                } else {
                    lanes(a + r * period, b, count: period, into: out + r * period, { f($1, $0) }, { f($1, $0) })
                }
            }
        }
    }

    /// `count` elements of `x` with one scalar `s` (also as `lanes`).
    @inline(__always)
    private static func apply(
        _ f: BinaryOperator, _ x: UnsafePointer<Float>, _ lanes: SIMD16<Float>, _ s: Float, count: Int,
        _ scalarOnRight: Bool, _ out: UnsafeMutablePointer<Float>
    ) {
        var i = 0
        while i + 16 <= count {
            let v = UnsafeRawPointer(x + i).loadUnaligned(as: SIMD16<Float>.self)
            UnsafeMutableRawPointer(out + i).storeBytes(of: scalarOnRight ? f(v, lanes) : f(lanes, v), as: SIMD16<Float>.self)
            i += 16
        }
        while i < count {
            out[i] = scalarOnRight ? f(x[i], s) : f(s, x[i])
            i += 1
        }
    }

    /// `out[i] = lane(x[i…], y[i…])` 16 at a time, `one` for the rest (`out` may be `x`).
    @inline(__always)
    package static func lanes(
        _ x: UnsafePointer<Float>, _ y: UnsafePointer<Float>, count: Int, into out: UnsafeMutablePointer<Float>,
        _ lane: (SIMD16<Float>, SIMD16<Float>) -> SIMD16<Float>, _ one: (Float, Float) -> Float
    ) {
        var i = 0
        while i + 16 <= count {
            let v = UnsafeRawPointer(x + i).loadUnaligned(as: SIMD16<Float>.self)
            let w = UnsafeRawPointer(y + i).loadUnaligned(as: SIMD16<Float>.self)
            UnsafeMutableRawPointer(out + i).storeBytes(of: lane(v, w), as: SIMD16<Float>.self)
            i += 16
        }
        while i < count {
            out[i] = one(x[i], y[i])
            i += 1
        }
    }

    /// `out[i] = f(x[i])`, spread over the workers.
    @inline(__always)
    package static func map(
        _ x: UnsafeBufferPointer<Float>, into out: UnsafeMutablePointer<Float>, _ f: (Float) -> Float
    ) {
        guard let input = x.baseAddress else { return }
        let count = x.count
        withoutActuallyEscaping(f) { f in
            parallelChunks(count: (count + chunk - 1) / chunk) { c in
                for i in (c * chunk)..<min(count, (c + 1) * chunk) { out[i] = f(input[i]) }
            }
        }
    }
}
