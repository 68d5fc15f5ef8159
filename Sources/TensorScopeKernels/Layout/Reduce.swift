/// Reductions over some axes of a row-major tensor, as `tf.reduce_mean/sum/max`.
public enum Reduce {
    /// What a reduction computes.
    public enum Kind: Sendable {
        /// The sum over the reduced elements, divided by their count.
        case mean
        /// The sum, in Double, rounded once.
        case sum
        /// The largest element, NaN if any is NaN.
        case max
    }

    /// The axes made non-negative, sorted and unique, and the output shape (`keepDims`: the
    /// reduced axes kept as 1). No axes reduce every axis, as TensorFlow's `axis=None`.
    ///
    /// - Throws: `.invalidArgument` naming `op` for an axis out of `-rank..<rank`.
    public static func plan(_ shape: [Int], axes: [Int], keepDims: Bool, op: String) throws -> (axes: [Int], shape: [Int]) {
        var resolved = Set<Int>()
        for axis in axes {
            guard (-shape.count..<shape.count).contains(axis) else {
                throw TensorScopeError.invalidArgument(op, expected: "axes in -\(shape.count)..<\(shape.count) for shape \(shape)", got: "axis \(axis)")
            }
            resolved.insert(axis < 0 ? axis + shape.count : axis)
        }
        let sorted = axes.isEmpty ? Array(shape.indices) : resolved.sorted()
        let output = shape.indices.compactMap { sorted.contains($0) ? (keepDims ? 1 : nil) : shape[$0] }
        return (sorted, output)
    }

    /// Writes the reduction of `input` (of `shape`) over `axes` (from `plan`) into `output`, in
    /// Double for sums and means; a max over no elements is `-inf`, a mean over none is NaN.
    public static func run(_ kind: Kind, _ input: UnsafePointer<Float>, shape: [Int], axes: [Int], into output: UnsafeMutablePointer<Float>) {
        let kept = shape.indices.filter { !axes.contains($0) }
        let outCount = kept.map { shape[$0] }.reduce(1, *)
        let reducedCount = axes.map { shape[$0] }.reduce(1, *)
        var strides = [Int](repeating: 1, count: shape.count)
        for axis in shape.indices.reversed().dropFirst() { strides[axis] = strides[axis + 1] * shape[axis + 1] }
        for o in 0..<outCount {
            // The input offset of output element o: its kept indices at their strides.
            var rest = o, base = 0
            for axis in kept.reversed() {
                base += (rest % shape[axis]) * strides[axis]
                rest /= shape[axis]
            }
            var sum = 0.0
            var best = -Float.infinity
            var nan = false
            for r in 0..<reducedCount {
                var rest = r, offset = base
                for axis in axes.reversed() {
                    offset += (rest % shape[axis]) * strides[axis]
                    rest /= shape[axis]
                }
                let v = input[offset]
                sum += Double(v)
                if v.isNaN { nan = true } else if v > best { best = v }
            }
            switch kind {
            case .sum: output[o] = Float(sum)
            case .mean: output[o] = reducedCount == 0 ? .nan : Float(sum / Double(reducedCount))
            case .max: output[o] = nan ? .nan : best
            }
        }
    }
}
