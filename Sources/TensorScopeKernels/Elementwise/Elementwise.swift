/// The binary element-wise operators, and the loops of the element-wise ops: each writes into
/// an output buffer its caller gives (which may be one of the inputs).
package enum BinaryOperator: Sendable {
    case add, subtract, multiply, divide
}

package enum Elementwise {
    /// `out[i] = big[i] ⊙ small[i % period]` (or `small[i % period] ⊙ big[i]` when
    /// `smallOnRight` is false), for `big.count` elements; `small` holds `period` values.
    package static func binary(
        _ f: BinaryOperator, big: UnsafeBufferPointer<Float>, small: UnsafeBufferPointer<Float>, period: Int,
        smallOnRight: Bool, into out: UnsafeMutablePointer<Float>
    ) {
        guard let a = big.baseAddress, big.count > 0, period > 0 else { return }
        let b = small.baseAddress!
        if period == 1 {
            // A scalar operand: one loop per operator over the whole buffer, so it vectorises
            // as a tensor–tensor loop does.
            let s = b[0], n = big.count
            switch (f, smallOnRight) {
            case (.add, _): for i in 0..<n { out[i] = a[i] + s }
            case (.multiply, _): for i in 0..<n { out[i] = a[i] * s }
            case (.subtract, true): for i in 0..<n { out[i] = a[i] - s }
            case (.subtract, false): for i in 0..<n { out[i] = s - a[i] }
            case (.divide, true): for i in 0..<n { out[i] = a[i] / s }
            case (.divide, false): for i in 0..<n { out[i] = s / a[i] }
            }
            return
        }
        // Rows of `period`, each loop written out for its operator so the compiler sees plain
        // arithmetic on two arrays and vectorises it (a closure per element would cost a call each).
        var start = 0
        while start < big.count {
            let (row, o) = (a + start, out + start)
            switch (f, smallOnRight) {
            case (.add, _): for i in 0..<period { o[i] = row[i] + b[i] }
            case (.multiply, _): for i in 0..<period { o[i] = row[i] * b[i] }
            case (.subtract, true): for i in 0..<period { o[i] = row[i] - b[i] }
            case (.subtract, false): for i in 0..<period { o[i] = b[i] - row[i] }
            case (.divide, true): for i in 0..<period { o[i] = row[i] / b[i] }
            case (.divide, false): for i in 0..<period { o[i] = b[i] / row[i] }
            }
            start += period
        }
    }

    /// `out[i] = f(x[i])`.
    @inline(__always)
    package static func map(
        _ x: UnsafeBufferPointer<Float>, into out: UnsafeMutablePointer<Float>, _ f: (Float) -> Float
    ) {
        for i in x.indices { out[i] = f(x[i]) }
    }
}
