import TensorScopeKernels
/// The shapes TensorScope's binary element-wise ops (`+`, `-`, `*`) accept, and their loops.
///
/// Equal shapes; or one operand a scalar (`[]`); or one operand a vector `[C]` whose length is
/// the other's last dimension, repeated along it (a bias over the channels). This is the part
/// of NumPy/TensorFlow broadcasting a network needs; other pairs are an error naming both
/// shapes.
enum Broadcast {
    enum Operator {
        case add, subtract, multiply

        /// The op type and the name TensorFlow 2 graphs record for `x + y`, `x - y`, `x * y`.
        var node: (type: String, name: String) {
            switch self {
            case .add: ("AddV2", "add")
            case .subtract: ("Sub", "sub")
            case .multiply: ("Mul", "mul")
            }
        }
    }

    /// `lhs ⊙ rhs` as a recorded op (TensorFlow's arguments `x` and `y`).
    static func operation(_ f: Operator, _ lhs: some TensorConvertible, _ rhs: some TensorConvertible) throws -> Tensor {
        let (type, name) = f.node
        return try runOperation(type, name: name, [OpInput("x", lhs), OpInput("y", rhs)], attributes: .float32) { values in
            try apply(f, values[0], values[1], op: name)
        }
    }

    /// `lhs ⊙ rhs` element-wise; `op` names the operation in errors.
    static func apply(_ f: Operator, _ lhs: Tensor, _ rhs: Tensor, op: String) throws -> Tensor {
        if lhs.shape == rhs.shape {
            return Tensor(uncheckedShape: lhs.shape, scalars: combine(f, lhs.scalars, rhs.scalars, period: lhs.scalarCount, vectorOnRight: true))
        }
        if rhs.rank == 0 || (rhs.rank == 1 && lhs.rank >= 1 && lhs.shape.last == rhs.scalarCount) {
            return Tensor(uncheckedShape: lhs.shape, scalars: combine(f, lhs.scalars, rhs.scalars, period: rhs.scalarCount, vectorOnRight: true))
        }
        if lhs.rank == 0 || (lhs.rank == 1 && rhs.rank >= 1 && rhs.shape.last == lhs.scalarCount) {
            return Tensor(uncheckedShape: rhs.shape, scalars: combine(f, rhs.scalars, lhs.scalars, period: lhs.scalarCount, vectorOnRight: false))
        }
        throw TensorScopeError.invalidArgument(
            op, expected: "equal shapes, or a scalar or a [C] vector matching the other operand's last axis",
            got: "shapes \(lhs.shape) and \(rhs.shape)")
    }

    /// `tensor ⊙ number` (or `number ⊙ tensor`): a scalar broadcasts over any shape.
    static func withScalar(_ f: Operator, _ tensor: Tensor, _ number: Float, scalarOnRight: Bool) -> Tensor {
        Tensor(uncheckedShape: tensor.shape,
               scalars: combine(f, tensor.scalars, [number], period: 1, vectorOnRight: scalarOnRight))
    }

    /// `big ⊙ small` (or `small ⊙ big` when `vectorOnRight` is false), `small` repeating every
    /// `period` elements of `big`.
    private static func combine(
        _ f: Operator, _ big: [Float], _ small: [Float], period: Int, vectorOnRight: Bool
    ) -> [Float] {
        guard !big.isEmpty else { return [] }
        guard period > 0 else { return big }
        return [Float](unsafeUninitializedCapacity: big.count) { out, initialized in
            big.withUnsafeBufferPointer { a in
                small.withUnsafeBufferPointer { b in
                    // Rows of `period`, each loop written out for its operator so the compiler
                    // sees plain arithmetic on two arrays and vectorises it (a closure per
                    // element would cost a call each).
                    var start = 0
                    while start < a.count {
                        let (row, o) = (a.baseAddress! + start, out.baseAddress! + start)
                        switch (f, vectorOnRight) {
                        case (.add, _): for i in 0..<period { o[i] = row[i] + b[i] }
                        case (.multiply, _): for i in 0..<period { o[i] = row[i] * b[i] }
                        case (.subtract, true): for i in 0..<period { o[i] = row[i] - b[i] }
                        case (.subtract, false): for i in 0..<period { o[i] = b[i] - row[i] }
                        }
                        start += period
                    }
                }
            }
            initialized = big.count
        }
    }
}
