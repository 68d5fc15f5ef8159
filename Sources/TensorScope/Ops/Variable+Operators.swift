// `conv + biases` with `biases` a Variable, as the seed program writes it.
extension Variable {
    /// `lhs + rhs.value`; see `Tensor.+`.
    public static func + (lhs: Tensor, rhs: Variable) throws -> Tensor { try add(lhs, rhs.value) }
    /// `lhs.value + rhs`; see `Tensor.+`.
    public static func + (lhs: Variable, rhs: Tensor) throws -> Tensor { try add(lhs.value, rhs) }
    /// `lhs.value + rhs.value`; see `Tensor.+`.
    public static func + (lhs: Variable, rhs: Variable) throws -> Tensor { try add(lhs.value, rhs.value) }
}
