import TensorScopeKernels

/// Element-wise `x + y`, as `tf.add(x, y, name=)`: an `AddV2` op, named `add` unless `name` is
/// given (the operator `+` records the same op under its default name).
///
/// - Parameters:
///   - x: a tensor or a `Variable`.
///   - y: a tensor or a `Variable` of `x`'s shape, a scalar, or a vector over `x`'s last axis
///     (or the other way round; see `Broadcast`).
///   - name: the op's name under the current name scope, made unique.
/// - Throws: `.invalidArgument` (message starting `add:`) for shapes that do not broadcast.
public func add(_ x: some TensorConvertible, _ y: some TensorConvertible, name: String? = nil) throws -> Tensor {
    try Broadcast.operation(.add, x, y, name: name)
}

extension Tensor {
    /// `lhs + rhs`; see `Broadcast` for the accepted shapes. Records an op named `add` (type `AddV2`).
    public static func + (lhs: Tensor, rhs: Tensor) throws -> Tensor { try add(lhs, rhs) }
}
