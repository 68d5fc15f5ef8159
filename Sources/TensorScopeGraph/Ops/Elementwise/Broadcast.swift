import TensorScopeKernels

/// The shapes TensorScope's binary element-wise ops (`+`, `-`, `*`, `/`) accept.
///
/// Equal shapes; or one operand a scalar (`[]`, or all ones: `[1, 1]`); or one operand a vector
/// `[C]` — or `[1, …, 1, C]`, as Keras keeps a PReLU's slopes — whose length is the other's last
/// dimension, repeated along it (a bias over the channels), of at most the other's rank. This
/// is the part of NumPy/TensorFlow broadcasting a network needs; other pairs are an error naming
/// both shapes.
enum Broadcast {
    /// The op type and the name TensorFlow 2 graphs record for `x + y`, `x - y`, `x * y`.
    static func node(_ f: BinaryOperator) -> (type: String, name: String) {
        switch f {
        case .add: ("AddV2", "add")
        case .subtract: ("Sub", "sub")
        case .multiply: ("Mul", "mul")
        case .divide: ("RealDiv", "truediv")
        case .maximum: ("Maximum", "Maximum")
        case .minimum: ("Minimum", "Minimum")
        }
    }

    /// `lhs ⊙ rhs` as a recorded op (TensorFlow's arguments `x` and `y`), named `name` or the
    /// operator's default.
    static func operation(
        _ f: BinaryOperator, _ lhs: some TensorConvertible, _ rhs: some TensorConvertible, name: String? = nil
    ) throws -> Tensor {
        let (type, defaultName) = node(f)
        return try runOperation(type, name: name ?? defaultName, [OpInput("x", lhs), OpInput("y", rhs)], attributes: .float32)
    }

    /// How `lhs ⊙ rhs` runs: the output shape, which operand is repeated and every how many
    /// elements; `op` names the operation in errors.
    static func layout(_ lhs: [Int], _ rhs: [Int], op: String) throws -> (shape: [Int], period: Int, smallOnRight: Bool) {
        let count = { (shape: [Int]) in shape.reduce(1, *) }
        if lhs == rhs { return (lhs, count(lhs), true) }
        /// Whether `small` is repeated whole along `big`: a scalar, or a vector over its last axis.
        func repeats(_ small: [Int], over big: [Int]) -> Bool {
            guard small.count <= big.count else { return false }
            return small.allSatisfy { $0 == 1 } || (big.last.map { isChannelVector(small, channels: $0) } ?? false)
        }
        if repeats(rhs, over: lhs) { return (lhs, count(rhs), true) }
        if repeats(lhs, over: rhs) { return (rhs, count(lhs), false) }
        throw TensorScopeError.invalidArgument(
            op, expected: "equal shapes, or a scalar or a [C] vector matching the other operand's last axis",
            got: "shapes \(lhs) and \(rhs)")
    }

    /// The definition of `AddV2`, `Sub` or `Mul`.
    static func definition(_ f: BinaryOperator) -> OpDefinition {
        let (type, name) = node(f)
        return OpDefinition(type, outputShapes: { inputs, _ in
            [try layout(inputs[0].shape, inputs[1].shape, op: name).shape]
        }, prepare: { shapes, _ in
            let (_, period, smallOnRight) = try layout(shapes[0], shapes[1], op: name)
            return { inputs, outputs in
                let (big, small) = smallOnRight ? (inputs[0], inputs[1]) : (inputs[1], inputs[0])
                Elementwise.binary(f, big: big.data, small: small.data, period: period, smallOnRight: smallOnRight,
                                   into: outputs[0].baseAddress!)
            }
        })
    }
}

let addDefinition = Broadcast.definition(.add)
let subtractDefinition = Broadcast.definition(.subtract)
let multiplyDefinition = Broadcast.definition(.multiply)
let maximumDefinition = Broadcast.definition(.maximum)
let minimumDefinition = Broadcast.definition(.minimum)

/// The larger of `a` and `b` element by element, as `tf.maximum`: NaN where either is NaN;
/// shapes broadcast as `+`'s do.
///
/// - Parameters:
///   - a: a tensor.
///   - b: a tensor of `a`'s shape, a scalar, or a vector over `a`'s last axis (or the reverse).
///   - name: the op's name under the current name scope, made unique (default `Maximum`).
/// - Throws: `.invalidArgument` (message starting `Maximum:`) for shapes that do not broadcast.
///
/// Records a `Maximum` op.
public func maximum(_ a: some TensorConvertible, _ b: some TensorConvertible, name: String? = nil) throws -> Tensor {
    try runOperation("Maximum", name: name ?? "Maximum", [OpInput("x", a), OpInput("y", b)], attributes: .float32)
}

/// The smaller of `a` and `b` element by element, as `tf.minimum`: NaN where either is NaN;
/// shapes broadcast as `+`'s do.
///
/// - Parameters:
///   - a: a tensor.
///   - b: a tensor of `a`'s shape, a scalar, or a vector over `a`'s last axis (or the reverse).
///   - name: the op's name under the current name scope, made unique (default `Minimum`).
/// - Throws: `.invalidArgument` (message starting `Minimum:`) for shapes that do not broadcast.
///
/// Records a `Minimum` op.
public func minimum(_ a: some TensorConvertible, _ b: some TensorConvertible, name: String? = nil) throws -> Tensor {
    try runOperation("Minimum", name: name ?? "Minimum", [OpInput("x", a), OpInput("y", b)], attributes: .float32)
}
let divideDefinition = Broadcast.definition(.divide)
