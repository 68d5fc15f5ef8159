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

    /// One chunk: rows of `period` values (the slopes repeat per row).
    private static func apply(
        _ activation: Activation, _ x: UnsafePointer<Float>, slopes: UnsafePointer<Float>?, period: Int, count: Int,
        into out: UnsafeMutablePointer<Float>
    ) {
        // Each case its own loop of plain arithmetic, so the compiler vectorises it.
        switch activation {
        case .none: out.update(from: x, count: count)
        case .relu: for i in 0..<count { out[i] = x[i] < 0 ? 0 : x[i] }
        case .relu6: for i in 0..<count { out[i] = x[i] < 0 ? 0 : (x[i] > 6 ? 6 : x[i]) }
        case .leakyRelu(let alpha): for i in 0..<count { out[i] = x[i] > 0 ? x[i] : x[i] * alpha }
        case .prelu:
            let s = slopes!
            var start = 0
            while start < count {
                let (row, o) = (x + start, out + start)
                for c in 0..<period { o[c] = row[c] > 0 ? row[c] : row[c] * s[c] }
                start += period
            }
        case .elu: for i in 0..<count { out[i] = activation(x[i], slope: 0) }
        }
    }
}
