/// Element-wise `lhs + rhs`, as TensorFlow's `add` for the shapes a network needs; recorded
/// as TensorFlow 2 graphs record `+`: named `add`, op type `AddV2`.
///
/// Accepted shapes: equal shapes; a rank-1 bias `[C]` on either side, added along the other
/// operand's last axis (`C` must equal that axis); a scalar (`[]`) on either side.
/// - Throws: `.invalidArgument` (message starting `add:`) for any other pair of shapes.
func add(_ lhs: some TensorConvertible, _ rhs: some TensorConvertible) throws -> Tensor {
    try runOperation("AddV2", name: "add", [OpInput("x", lhs), OpInput("y", rhs)], attributes: .float32) { values in
        try addValues(values[0], values[1])
    }
}

private func addValues(_ lhs: Tensor, _ rhs: Tensor) throws -> Tensor {
    let result: Tensor
    if lhs.shape == rhs.shape {
        result = Tensor(uncheckedShape: lhs.shape, scalars: zip(lhs.scalars, rhs.scalars).map(+))
    } else if rhs.rank <= 1, let sum = broadcastLastAxis(lhs, rhs) {
        result = sum
    } else if lhs.rank <= 1, let sum = broadcastLastAxis(rhs, lhs) {
        result = sum
    } else {
        throw TensorScopeError.invalidArgument(
            "add", expected: "equal shapes, or a [C] bias or scalar matching the other operand's last axis",
            got: "shapes \(lhs.shape) and \(rhs.shape)")
    }
    return result
}

/// `tensor + small` with `small` a scalar or a vector as long as `tensor`'s last axis;
/// nil when the sizes do not fit.
private func broadcastLastAxis(_ tensor: Tensor, _ small: Tensor) -> Tensor? {
    if small.rank == 0 {
        let value = small.scalars[0]
        return Tensor(uncheckedShape: tensor.shape, scalars: tensor.scalars.map { $0 + value })
    }
    guard let channels = tensor.shape.last, channels == small.scalarCount, tensor.rank >= 1 else { return nil }
    return Tensor(uncheckedShape: tensor.shape, scalars: addRows(tensor.scalars, small.scalars))
}

/// Adds `bias` to every consecutive run of `bias.count` values (the convolution epilogue's
/// vector loop, applied to a copy).
func addRows(_ values: [Float], _ bias: [Float]) -> [Float] {
    guard !bias.isEmpty, !values.isEmpty else { return values }
    var out = values
    bias.withUnsafeBufferPointer { b in
        out.withUnsafeMutableBufferPointer { o in
            _ = Epilogue(bias: b.baseAddress, checksFiniteness: false)
                .apply(to: o.baseAddress!, rows: o.count / b.count, columns: b.count)
        }
    }
    return out
}

extension Tensor {
    /// `lhs + rhs`; see `add` for the accepted shapes. Records an op named `add` (type `AddV2`).
    public static func + (lhs: Tensor, rhs: Tensor) throws -> Tensor { try add(lhs, rhs) }
}
