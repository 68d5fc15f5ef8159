import TensorScopeKernels
// `conv + biases` with `biases` a Variable, as the seed program writes it. As in TensorFlow, a
// variable on the right is read inside the op's name scope (`add/ReadVariableOp`), one on the
// left just before it (`ReadVariableOp`), since Python evaluates `variable.value()` first there.
extension Variable {
    /// `lhs + rhs.value`; see `Tensor.+`.
    public static func + (lhs: Tensor, rhs: Variable) throws -> Tensor { try add(lhs, rhs) }
    /// `lhs.value + rhs`; see `Tensor.+`.
    public static func + (lhs: Variable, rhs: Tensor) throws -> Tensor { try add(lhs.read(), rhs) }
    /// `lhs.value + rhs.value`; see `Tensor.+`.
    public static func + (lhs: Variable, rhs: Variable) throws -> Tensor { try add(lhs.read(), rhs) }
    /// `lhs - rhs.value`; see `Tensor.-`.
    public static func - (lhs: Tensor, rhs: Variable) throws -> Tensor { try subtract(lhs, rhs) }
    /// `lhs.value - rhs`; see `Tensor.-`.
    public static func - (lhs: Variable, rhs: Tensor) throws -> Tensor { try subtract(lhs.read(), rhs) }
    /// `lhs.value - rhs.value`; see `Tensor.-`.
    public static func - (lhs: Variable, rhs: Variable) throws -> Tensor { try subtract(lhs.read(), rhs) }
    /// `lhs * rhs.value`; see `Tensor.*`.
    public static func * (lhs: Tensor, rhs: Variable) throws -> Tensor { try multiply(lhs, rhs) }
    /// `lhs.value * rhs`; see `Tensor.*`.
    public static func * (lhs: Variable, rhs: Tensor) throws -> Tensor { try multiply(lhs.read(), rhs) }
    /// `lhs.value * rhs.value`; see `Tensor.*`.
    public static func * (lhs: Variable, rhs: Variable) throws -> Tensor { try multiply(lhs.read(), rhs) }
    /// `-x.value`, as TensorFlow's `-v` (a `ReadVariableOp`, then `Neg`); see `Tensor.-`.
    public static prefix func - (x: Variable) -> Tensor { -x.read() }
}
