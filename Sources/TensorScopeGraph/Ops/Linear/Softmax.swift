import TensorScopeKernels
import Foundation

/// Softmax along the last axis, as `tf.nn.softmax`: `y[…, i] = e^(x[…, i] − m) / Σ_j e^(x[…, j] − m)`
/// with `m` the row's maximum, so no exponential overflows.
///
/// - Throws: `.invalidArgument` (message starting `softmax:`) for a scalar input.
///
/// Records a `Softmax` op.
public func softmax(_ logits: some TensorConvertible) throws -> Tensor {
    try runOperation("Softmax", [OpInput("logits", logits)], attributes: .float32) { values in
        let x = values[0]
        guard x.rank >= 1 else {
            throw TensorScopeError.invalidArgument("softmax", expected: "a tensor of rank at least 1", got: "a scalar")
        }
        let width = x.shape[x.rank - 1]
        var out = x.scalars
        guard width > 0 else { return x }
        var start = 0
        while start < out.count {
            let row = out[start..<start + width]
            let top = row.max()!
            var sum: Float = 0
            for i in start..<start + width {
                out[i] = Foundation.exp(out[i] - top)
                sum += out[i]
            }
            for i in start..<start + width { out[i] /= sum }
            start += width
        }
        return Tensor(uncheckedShape: x.shape, scalars: out)
    }
}

/// The index of the largest value along `axis`, as `tf.argmax` (the first, on ties).
///
/// - Parameters:
///   - input: rank ≥ 1.
///   - axis: `0..<rank`, or negative from the end (`-1` is the last axis).
/// - Returns: the indices in row-major order of the input's shape without `axis`
///   (`[batch]` for `argmax(logits, axis: 1)` of `[batch, classes]`).
/// - Throws: `.invalidArgument` (message starting `argmax:`) for a scalar, an axis out of range,
///   or an empty axis.
///
/// Records an `ArgMax` op (its `dimension` as a constant input).
public func argmax(_ input: some TensorConvertible, axis: Int) throws -> [Int] {
    let dimension = Tensor(uncheckedShape: [], scalars: [Float(axis)])
    let op = PendingOperation("ArgMax", [OpInput("input", input), OpInput("dimension", dimension)],
                              attributes: .float32(["Tidx": .type("DT_INT32"), "output_type": .type("DT_INT64")]))
    let x = op.values[0]
    guard x.rank >= 1 else {
        throw TensorScopeError.invalidArgument("argmax", expected: "a tensor of rank at least 1", got: "a scalar")
    }
    guard (-x.rank..<x.rank).contains(axis) else {
        throw TensorScopeError.invalidArgument("argmax", expected: "an axis in \(-x.rank)..<\(x.rank)", got: "axis \(axis) for shape \(x.shape)")
    }
    let a = axis < 0 ? axis + x.rank : axis
    let size = x.shape[a]
    guard size > 0 else {
        throw TensorScopeError.invalidArgument("argmax", expected: "a non-empty axis", got: "axis \(axis) of shape \(x.shape)")
    }
    let inner = x.shape[(a + 1)...].reduce(1, *)
    let outer = x.shape[..<a].reduce(1, *)
    var result = [Int](repeating: 0, count: outer * inner)
    for o in 0..<outer {
        for i in 0..<inner {
            var best = 0
            var bestValue = x.scalars[o * size * inner + i]
            for k in 1..<max(1, size) {
                let v = x.scalars[(o * size + k) * inner + i]
                if v > bestValue || (v.isNaN && !bestValue.isNaN) {
                    best = k
                    bestValue = v
                }
            }
            result[o * inner + i] = best
        }
    }
    var outputShape = x.shape
    outputShape.remove(at: a)
    op.finish(outputShape: outputShape)
    return result
}
