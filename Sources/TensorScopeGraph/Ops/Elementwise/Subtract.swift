import TensorScopeKernels
/// Element-wise `lhs - rhs` (see `Broadcast` for the shapes), as TensorFlow's `x - y`: named
/// `sub`, op type `Sub`.
///
/// - Throws: `.invalidArgument` (message starting `sub:`) for shapes that do not broadcast.
func subtract(_ lhs: some TensorConvertible, _ rhs: some TensorConvertible) throws -> Tensor {
    try Broadcast.operation(.subtract, lhs, rhs)
}

/// Element-wise `lhs * rhs` (see `Broadcast` for the shapes), as TensorFlow's `x * y`: named
/// `mul`, op type `Mul`.
///
/// - Throws: `.invalidArgument` (message starting `mul:`) for shapes that do not broadcast.
func multiply(_ lhs: some TensorConvertible, _ rhs: some TensorConvertible) throws -> Tensor {
    try Broadcast.operation(.multiply, lhs, rhs)
}

/// Element-wise `lhs / rhs` (see `Broadcast` for the shapes), as TensorFlow's `x / y`: named
/// `truediv`, op type `RealDiv`.
///
/// - Throws: `.invalidArgument` (message starting `truediv:`) for shapes that do not broadcast.
func divide(_ lhs: some TensorConvertible, _ rhs: some TensorConvertible) throws -> Tensor {
    try Broadcast.operation(.divide, lhs, rhs)
}

extension Tensor {
    /// `lhs - rhs` element-wise; see `Broadcast` for the accepted shapes. Records `sub` (`Sub`).
    public static func - (lhs: Tensor, rhs: Tensor) throws -> Tensor { try subtract(lhs, rhs) }
    /// `lhs * rhs` element-wise; see `Broadcast` for the accepted shapes. Records `mul` (`Mul`).
    public static func * (lhs: Tensor, rhs: Tensor) throws -> Tensor { try multiply(lhs, rhs) }
    /// `lhs / rhs` element-wise (IEEE division: `x / 0` is ±infinity or NaN, as in TensorFlow);
    /// see `Broadcast` for the accepted shapes. Records `truediv` (`RealDiv`).
    public static func / (lhs: Tensor, rhs: Tensor) throws -> Tensor { try divide(lhs, rhs) }
}
