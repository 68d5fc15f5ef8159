/// Permuting the axes of a row-major tensor, as `tf.transpose`: output axis `i` is input axis
/// `perm[i]`.
public enum Transpose {
    /// The output shape, after checking `perm` is a permutation of `shape`'s axes.
    ///
    /// - Throws: `.invalidArgument` (message starting `transpose:`) otherwise.
    public static func outputShape(_ shape: [Int], perm: [Int]) throws -> [Int] {
        guard perm.count == shape.count, perm.sorted() == Array(shape.indices) else {
            throw TensorScopeError.invalidArgument(
                "transpose", expected: "perm, a permutation of 0..<\(shape.count) for a tensor of shape \(shape)",
                got: "perm \(perm)")
        }
        return perm.map { shape[$0] }
    }

    /// Writes `input` (of `shape`) permuted by `perm` into `output`. Axes that stay in place at
    /// the end are copied as whole rows; the rest walk the output in order, reading the input
    /// at the permuted strides.
    public static func run(_ input: UnsafePointer<Float>, shape: [Int], perm: [Int], into output: UnsafeMutablePointer<Float>) {
        let count = shape.reduce(1, *)
        guard count > 0 else { return }
        var strides = [Int](repeating: 1, count: shape.count)
        for axis in shape.indices.reversed().dropFirst() { strides[axis] = strides[axis + 1] * shape[axis + 1] }
        // The trailing axes left in place form one contiguous row in both layouts.
        var kept = shape.count
        while kept > 0 && perm[kept - 1] == kept - 1 { kept -= 1 }
        let row = shape[kept...].reduce(1, *)
        let outerShape = perm[..<kept].map { shape[$0] }
        let outerStrides = perm[..<kept].map { strides[$0] }
        var index = [Int](repeating: 0, count: kept)
        var offset = 0
        var written = 0
        while written < count {
            output.advanced(by: written).update(from: input.advanced(by: offset), count: row)
            written += row
            // Next output position, odometer-style, keeping the input offset in step.
            var axis = kept - 1
            while axis >= 0 {
                index[axis] += 1
                offset += outerStrides[axis]
                if index[axis] < outerShape[axis] { break }
                offset -= outerStrides[axis] * outerShape[axis]
                index[axis] = 0
                axis -= 1
            }
        }
    }
}
