/// The activations as element-wise ops (`relu6(x)`, `prelu(x, alpha)`, …), from the same
/// `Activation` the convolution epilogues apply, so a fused activation and an eager one give the
/// same numbers.
extension Elementwise {
    /// `out[i] = activation(x[i])`, with `slopes[i % slopes.count]` for `.prelu`. Spread over the
    /// workers when large enough to repay a second core.
    package static func activation(
        _ activation: Activation, _ x: UnsafeBufferPointer<Float>, slopes: UnsafeBufferPointer<Float>? = nil,
        into out: UnsafeMutablePointer<Float>
    ) {
        let period = slopes?.count ?? 1
        guard let input = x.baseAddress, x.count > 0, period > 0 else { return }
        // Whole rows of `period` per chunk, so each chunk starts at channel 0.
        let rowsPerChunk = max(1, (1 << 16) / period)
        let rows = x.count / period
        parallelChunks(count: (rows + rowsPerChunk - 1) / rowsPerChunk) { chunk in
            let firstRow = chunk * rowsPerChunk
            let start = firstRow * period
            let end = min(x.count, (firstRow + rowsPerChunk) * period)
            apply(activation, input + start, slopes: slopes?.baseAddress, period: period, count: end - start,
                  into: out + start)
        }
    }

    /// One chunk: rows of `period` values (the slopes repeat per row). Explicit 16-lane vectors:
    /// the compiler does not vectorise loops through pointers that may alias.
    private static func apply(
        _ activation: Activation, _ x: UnsafePointer<Float>, slopes: UnsafePointer<Float>?, period: Int, count: Int,
        into out: UnsafeMutablePointer<Float>
    ) {
        if case .prelu = activation {
            var start = 0
            while start < count {
                lanes(x + start, slopes!, count: period, into: out + start) { v, s in
                    v.replacing(with: v * s, where: .!(v .> 0))
                } _: { v, s in v > 0 ? v : v * s }
                start += period
            }
            return
        }
        let none = x  // no per-channel operand: the input stands in, unused
        switch activation {
        case .none: out.update(from: x, count: count)
        case .relu:
            lanes(x, none, count: count, into: out) { v, _ in v.replacing(with: 0, where: v .< 0) } _: { v, _ in v < 0 ? 0 : v }
        case .relu6:
            lanes(x, none, count: count, into: out) { v, _ in
                v.replacing(with: 0, where: v .< 0).replacing(with: 6, where: v .> 6)
            } _: { v, _ in v < 0 ? 0 : (v > 6 ? 6 : v) }
        case .leakyRelu(let alpha):
            lanes(x, none, count: count, into: out) { v, _ in v.replacing(with: v * alpha, where: .!(v .> 0)) } _: { v, _ in
                v > 0 ? v : v * alpha
            }
        case .elu, .prelu: for i in 0..<count { out[i] = activation(x[i], slope: 0) }
        }
    }
}
