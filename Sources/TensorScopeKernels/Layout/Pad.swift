/// How `Pad` fills the border: TensorFlow's `tf.pad` modes.
public enum PadMode: Sendable, Equatable {
    /// A constant value (`Pad`, or `PadV2` for a value other than 0).
    case constant
    /// Mirrored without repeating the edge (`MirrorPad` `REFLECT`): `[a b c]` padded by 2 on
    /// the left is `[c b a b c]`. Each padding is at most the dimension − 1.
    case reflect
    /// Mirrored repeating the edge (`MirrorPad` `SYMMETRIC`): `[a b c]` padded by 2 on the
    /// left is `[b a a b c]`. Each padding is at most the dimension.
    case symmetric

    /// The `mode` attribute of a `MirrorPad` (`REFLECT`, `SYMMETRIC`); nil for `.constant`.
    public var mirrorName: String? {
        switch self {
        case .constant: nil
        case .reflect: "REFLECT"
        case .symmetric: "SYMMETRIC"
        }
    }
}

/// Padding a row-major tensor, as `tf.pad`: `paddings[i] = (before, after)` elements added
/// around axis `i`.
public enum Pad {
    /// The output shape, after checking `paddings` (flat: before and after per axis, as
    /// TensorFlow's `[rank, 2]` tensor) against `shape` and `mode`.
    ///
    /// - Throws: `.invalidArgument` (message starting `op:`) for a `paddings` not of `rank × 2`
    ///   values, a negative padding, a mirrored padding wider than the mode allows, or an output
    ///   size that overflows.
    public static func outputShape(_ shape: [Int], paddings: [Int], mode: PadMode, op: String = "pad") throws -> [Int] {
        guard paddings.count == 2 * shape.count else {
            throw TensorScopeError.invalidArgument(
                op, expected: "paddings of shape [\(shape.count), 2] for a tensor of shape \(shape)",
                got: "\(paddings.count) values")
        }
        return try shape.indices.map { axis in
            let (before, after) = (paddings[2 * axis], paddings[2 * axis + 1])
            guard before >= 0, after >= 0 else {
                throw TensorScopeError.invalidArgument(op, expected: "paddings of at least 0", got: "[\(before), \(after)] for axis \(axis)")
            }
            let limit = mode == .reflect ? shape[axis] - 1 : shape[axis]
            if mode != .constant, max(before, after) > limit {
                throw TensorScopeError.invalidArgument(
                    op, expected: "\(mode) paddings of at most \(limit) for axis \(axis) of size \(shape[axis])",
                    got: "[\(before), \(after)]")
            }
            let (sum, overflow1) = shape[axis].addingReportingOverflow(before)
            let (total, overflow2) = sum.addingReportingOverflow(after)
            guard !overflow1, !overflow2 else {
                throw TensorScopeError.invalidArgument(op, expected: "an output size that fits in Int", got: "paddings [\(before), \(after)] for axis \(axis)")
            }
            return total
        }
    }

    /// The input index that output index `o` of an axis of size `size` padded by `before`
    /// reads, or nil for the constant.
    @inline(__always)
    static func source(_ o: Int, before: Int, size: Int, mode: PadMode) -> Int? {
        let i = o - before
        if i >= 0 && i < size { return i }
        switch mode {
        case .constant: return nil
        case .reflect: return i < 0 ? -i : 2 * (size - 1) - i
        case .symmetric: return i < 0 ? -i - 1 : 2 * size - 1 - i
        }
    }

    /// Writes `input` (of `shape`) padded into `output` (of the shape `outputShape` gave). Each
    /// output row (the last axis) comes from one input row, or is the constant; within a row,
    /// the middle is copied and the borders filled.
    public static func run(
        _ input: UnsafePointer<Float>, shape: [Int], paddings: [Int], mode: PadMode, constant: Float,
        into output: UnsafeMutablePointer<Float>
    ) {
        guard let outShape = try? outputShape(shape, paddings: paddings, mode: mode) else { return }
        let count = outShape.reduce(1, *)
        guard count > 0 else { return }
        if shape.isEmpty {
            output[0] = input[0]
            return
        }
        let last = shape.count - 1
        let (width, outWidth, left) = (shape[last], outShape[last], paddings[2 * last])
        var inputStrides = [Int](repeating: width, count: last)
        for axis in (0..<last).reversed().dropFirst() { inputStrides[axis] = inputStrides[axis + 1] * shape[axis + 1] }
        var index = [Int](repeating: 0, count: last)
        var written = 0
        while written < count {
            let row = output.advanced(by: written)
            // The input row this output row reads, unless an outer index falls in a constant border.
            var offset: Int? = 0
            for axis in 0..<last {
                guard let i = source(index[axis], before: paddings[2 * axis], size: shape[axis], mode: mode) else {
                    offset = nil
                    break
                }
                offset! += i * inputStrides[axis]
            }
            if let offset, width > 0 {
                let from = input.advanced(by: offset)
                row.advanced(by: left).update(from: from, count: width)
                for o in 0..<left { row[o] = source(o, before: left, size: width, mode: mode).map { from[$0] } ?? constant }
                for o in (left + width)..<outWidth {
                    row[o] = source(o, before: left, size: width, mode: mode).map { from[$0] } ?? constant
                }
            } else {
                row.update(repeating: constant, count: outWidth)
            }
            written += outWidth
            var axis = last - 1
            while axis >= 0 {
                index[axis] += 1
                if index[axis] < outShape[axis] { break }
                index[axis] = 0
                axis -= 1
            }
        }
    }
}
