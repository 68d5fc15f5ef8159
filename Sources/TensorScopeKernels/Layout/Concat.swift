/// Joining tensors along one axis, as `tf.concat`: every dimension but the axis equal.
public enum Concat {
    /// The output shape of joining tensors of `shapes` along `axis` (already made non-negative).
    ///
    /// - Throws: `.invalidArgument` (message starting `concat:`) for no tensors, unequal ranks,
    ///   an axis out of range, or another dimension that differs.
    public static func outputShape(_ shapes: [[Int]], axis: Int) throws -> [Int] {
        guard let first = shapes.first else {
            throw TensorScopeError.invalidArgument("concat", expected: "at least one tensor", got: "none")
        }
        guard (0..<max(first.count, 1)).contains(axis), !first.isEmpty else {
            throw TensorScopeError.invalidArgument("concat", expected: "an axis in 0..<\(first.count) of shape \(first)", got: "axis \(axis)")
        }
        var total = 0
        for (i, shape) in shapes.enumerated() {
            guard shape.count == first.count,
                  shape.indices.allSatisfy({ $0 == axis || shape[$0] == first[$0] }) else {
                throw TensorScopeError.invalidArgument(
                    "concat", expected: "shapes equal to \(first) but along axis \(axis)", got: "shape \(shape) for tensor \(i)")
            }
            total += shape[axis]
        }
        var result = first
        result[axis] = total
        return result
    }

    /// Copies each input's slabs into place: for every index before the axis, the inputs' runs
    /// of `shape[axis] · inner` floats one after another.
    public static func run(_ inputs: [(pointer: UnsafePointer<Float>, shape: [Int])], axis: Int, into output: UnsafeMutablePointer<Float>) {
        guard let first = inputs.first else { return }
        let outer = first.shape[..<axis].reduce(1, *)
        let inner = first.shape[(axis + 1)...].reduce(1, *)
        var written = 0
        for o in 0..<outer {
            for input in inputs {
                let run = input.shape[axis] * inner
                output.advanced(by: written).update(from: input.pointer.advanced(by: o * run), count: run)
                written += run
            }
        }
    }
}
