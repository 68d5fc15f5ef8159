import Foundation

package enum Softmax {
    /// `out[…, i] = e^(x[…, i] − m) / Σ_j e^(x[…, j] − m)` over rows of `width`, `m` the row's
    /// maximum, so no exponential overflows.
    package static func run(_ x: UnsafeBufferPointer<Float>, width: Int, into out: UnsafeMutablePointer<Float>) {
        guard width > 0 else { return }
        var start = 0
        while start < x.count {
            var top = x[start]
            for i in start..<start + width where x[i] > top { top = x[i] }
            var sum: Float = 0
            for i in start..<start + width {
                out[i] = Foundation.exp(x[i] - top)
                sum += out[i]
            }
            for i in start..<start + width { out[i] /= sum }
            start += width
        }
    }
}

package enum ArgMax {
    /// The index of the largest value along the middle axis of `[outer, size, inner]`, the first
    /// on ties, a NaN winning over numbers (as TensorFlow's ArgMax), written as floats into
    /// `out[outer × inner]`.
    package static func run(
        _ x: UnsafePointer<Float>, outer: Int, size: Int, inner: Int, into out: UnsafeMutablePointer<Float>
    ) {
        for o in 0..<outer {
            for i in 0..<inner {
                var best = 0
                var bestValue = x[o * size * inner + i]
                for k in 1..<max(1, size) {
                    let v = x[(o * size + k) * inner + i]
                    if v > bestValue || (v.isNaN && !bestValue.isNaN) {
                        best = k
                        bestValue = v
                    }
                }
                out[o * inner + i] = Float(best)
            }
        }
    }
}
