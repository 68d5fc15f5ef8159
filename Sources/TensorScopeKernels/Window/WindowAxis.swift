/// The arithmetic of a sliding window along one spatial axis, shared by every windowed op
/// (convolution now, pooling later): TensorFlow's output size and leading padding, and its
/// 1-, 2- or 4-number spelling of strides and dilations. `op` names the caller in errors.
package enum WindowAxis {
    /// Reads TF's 1-, 2- or 4-number form of `strides` / `dilations` / `ksize` into
    /// (height, width).
    package static func spatialPair(_ values: [Int], name: String, op: String) throws -> (Int, Int) {
        let pair: (Int, Int)
        switch values.count {
        case 1:
            pair = (values[0], values[0])
        case 2:
            pair = (values[0], values[1])
        case 4:
            guard values[0] == 1, values[3] == 1 else {
                throw TensorScopeError.invalidArgument(
                    op,
                    expected: "\(name) of 1 in the batch and channel positions ([1, h, w, 1])",
                    got: "\(name) \(values)")
            }
            pair = (values[1], values[2])
        default:
            throw TensorScopeError.invalidArgument(
                op, expected: "\(name) of length 1, 2 or 4", got: "\(name) \(values) of length \(values.count)")
        }
        guard pair.0 >= 1, pair.1 >= 1 else {
            throw TensorScopeError.invalidArgument(op, expected: "positive \(name)", got: "\(name) \(values)")
        }
        return pair
    }

    /// TF's 4-number form `[1, h, w, 1]` of a valid pair, for a `NodeDef` attribute; the values
    /// as given when they are not a valid 1-, 2- or 4-number form.
    package static func nhwcAttribute(_ values: [Int]) -> [Int] {
        switch values.count {
        case 1: [1, values[0], values[0], 1]
        case 2: [1, values[0], values[1], 1]
        default: values
        }
    }

    /// Output size and leading padding along one spatial axis (docs/TF1-RULES.md, "Windows").
    ///
    /// With `e = (k − 1)·d + 1`: SAME gives `out = ⌈n / s⌉` and `pad = max((out − 1)·s + e − n, 0)`
    /// of which `⌊pad / 2⌋` go before; VALID gives `out = ⌊(n − e) / s⌋ + 1` and needs `n ≥ e`.
    package static func size(
        input n: Int, kernel k: Int, stride s: Int, dilation d: Int, padding: Padding, axis: String, op: String
    ) throws -> (out: Int, padBefore: Int) {
        let (span, overflow) = (k - 1).multipliedReportingOverflow(by: d)
        guard !overflow, span < Int.max / 2 else {
            throw TensorScopeError.invalidArgument(
                op, expected: "a dilated kernel size that fits in Int", got: "kernel \(k), dilation \(d)")
        }
        let effective = span + 1
        switch padding {
        case .same:
            let out = n / s + (n % s == 0 ? 0 : 1)  // ceil(n / s) without overflowing for huge s
            let total = max((out - 1) * s + effective - n, 0)
            return (out, total / 2)
        case .valid:
            guard n >= effective else {
                throw TensorScopeError.invalidArgument(
                    op,
                    expected: "VALID padding with an input \(axis) of at least the dilated kernel size \(effective)",
                    got: "input \(axis) \(n) (Negative dimension size caused by subtracting \(effective) from \(n))")
            }
            return ((n - effective) / s + 1, 0)
        }
    }
}
