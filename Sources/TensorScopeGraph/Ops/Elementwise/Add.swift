import TensorScopeKernels
/// Element-wise `lhs + rhs` (see `Broadcast` for the shapes), recorded as TensorFlow 2 graphs
/// record `+`: named `add`, op type `AddV2`.
///
/// - Throws: `.invalidArgument` (message starting `add:`) for shapes that do not broadcast.
func add(_ lhs: some TensorConvertible, _ rhs: some TensorConvertible) throws -> Tensor {
    try Broadcast.operation(.add, lhs, rhs)
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
    /// `lhs + rhs`; see `Broadcast` for the accepted shapes. Records an op named `add` (type `AddV2`).
    public static func + (lhs: Tensor, rhs: Tensor) throws -> Tensor { try add(lhs, rhs) }
}
