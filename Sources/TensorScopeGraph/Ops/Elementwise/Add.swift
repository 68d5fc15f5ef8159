import TensorScopeKernels

/// Element-wise `lhs + rhs` (see `Broadcast` for the shapes), recorded as TensorFlow 2 graphs
/// record `+`: named `add`, op type `AddV2`.
///
/// - Throws: `.invalidArgument` (message starting `add:`) for shapes that do not broadcast.
func add(_ lhs: some TensorConvertible, _ rhs: some TensorConvertible) throws -> Tensor {
    try Broadcast.operation(.add, lhs, rhs)
}

extension Tensor {
    /// `lhs + rhs`; see `Broadcast` for the accepted shapes. Records an op named `add` (type `AddV2`).
    public static func + (lhs: Tensor, rhs: Tensor) throws -> Tensor { try add(lhs, rhs) }
}
