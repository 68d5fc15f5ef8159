/// How `conv2d` treats the border, with TensorFlow's exact rules.
///
/// With effective kernel size `e = (k - 1)·d + 1` for kernel size `k` and dilation `d`:
/// - `.same`: `out = ceil(n / s)`; `pad = max((out - 1)·s + e - n, 0)` zeros in all,
///   `pad / 2` (rounded down) before and the rest after — the extra pixel goes at the
///   bottom/right.
/// - `.valid`: no padding; `out = (n - e) / s + 1`, rounded down; `n < e` is an error.
public enum Padding: String, Sendable, CaseIterable {
    /// Output `⌈n / s⌉`; zeros around the input as needed, the odd one at the bottom/right.
    case same = "SAME"
    /// No padding: only windows that fit inside the input; `⌊(n − e) / s⌋ + 1` outputs.
    case valid = "VALID"
}
