import TensorScopeKernels
// A number on either side of `+`, `-`, `*`, `/`: a scalar tensor, recorded as the `Const` TensorFlow
// makes of a Python number (`add/y`). These cannot fail, so they do not throw.
extension Tensor {
    /// `lhs + rhs` for every element.
    public static func + (lhs: Tensor, rhs: Float) -> Tensor { scalarOperation(.add, lhs, rhs, scalarOnRight: true) }
    /// `lhs + rhs` for every element.
    public static func + (lhs: Float, rhs: Tensor) -> Tensor { scalarOperation(.add, rhs, lhs, scalarOnRight: false) }
    /// `lhs - rhs` for every element.
    public static func - (lhs: Tensor, rhs: Float) -> Tensor { scalarOperation(.subtract, lhs, rhs, scalarOnRight: true) }
    /// `lhs - rhs` for every element.
    public static func - (lhs: Float, rhs: Tensor) -> Tensor { scalarOperation(.subtract, rhs, lhs, scalarOnRight: false) }
    /// `lhs * rhs` for every element.
    public static func * (lhs: Tensor, rhs: Float) -> Tensor { scalarOperation(.multiply, lhs, rhs, scalarOnRight: true) }
    /// `lhs * rhs` for every element.
    public static func * (lhs: Float, rhs: Tensor) -> Tensor { scalarOperation(.multiply, rhs, lhs, scalarOnRight: false) }
    /// `lhs / rhs` for every element.
    public static func / (lhs: Tensor, rhs: Float) -> Tensor { scalarOperation(.divide, lhs, rhs, scalarOnRight: true) }
    /// `lhs / rhs` for every element.
    public static func / (lhs: Float, rhs: Tensor) -> Tensor { scalarOperation(.divide, rhs, lhs, scalarOnRight: false) }

    private static func scalarOperation(_ f: BinaryOperator, _ tensor: Tensor, _ number: Float, scalarOnRight: Bool) -> Tensor {
        let scalar = Tensor(uncheckedShape: [], scalars: [number])
        let (type, name) = Broadcast.node(f)
        let inputs = scalarOnRight ? [OpInput("x", tensor), OpInput("y", scalar)] : [OpInput("x", scalar), OpInput("y", tensor)]
        // A scalar broadcasts over any shape, and the output has the tensor's.
        return runInfallibleOperation(type, name: name, inputs, attributes: .float32)
    }
}
