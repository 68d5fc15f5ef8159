import Foundation
import TensorScopeKernels

/// `e^x` element-wise, as `tf.exp`. Records `Exp`.
public func exp(_ x: some TensorConvertible, name: String? = nil) -> Tensor {
    runInfallibleOperation("Exp", name: name, [OpInput("x", x)], attributes: .float32)
}

/// The natural logarithm element-wise, as `tf.math.log`: `-inf` at 0, NaN below. Records `Log`.
public func log(_ x: some TensorConvertible, name: String? = nil) -> Tensor {
    runInfallibleOperation("Log", name: name, [OpInput("x", x)], attributes: .float32)
}

/// `x²` element-wise, as `tf.square`. Records `Square`.
public func square(_ x: some TensorConvertible, name: String? = nil) -> Tensor {
    runInfallibleOperation("Square", name: name, [OpInput("x", x)], attributes: .float32)
}

/// `√x` element-wise, as `tf.sqrt`: NaN below 0. Records `Sqrt`.
public func sqrt(_ x: some TensorConvertible, name: String? = nil) -> Tensor {
    runInfallibleOperation("Sqrt", name: name, [OpInput("x", x)], attributes: .float32)
}

/// `1 / √x` element-wise, as `tf.math.rsqrt`: infinity at 0, NaN below. Records `Rsqrt`.
public func rsqrt(_ x: some TensorConvertible, name: String? = nil) -> Tensor {
    runInfallibleOperation("Rsqrt", name: name, [OpInput("x", x)], attributes: .float32)
}

extension Tensor {
    /// `-x` element-wise, as TensorFlow's unary minus. Records `Neg`.
    public static prefix func - (x: Tensor) -> Tensor {
        runInfallibleOperation("Neg", [OpInput("x", x)], attributes: .float32)
    }
}

let expDefinition = unaryDefinition("Exp") { x, out in Elementwise.map(x, into: out) { Foundation.exp($0) } }
let logDefinition = unaryDefinition("Log") { x, out in Elementwise.map(x, into: out) { Foundation.log($0) } }
let squareDefinition = unaryDefinition("Square") { x, out in Elementwise.map(x, into: out) { $0 * $0 } }
let sqrtDefinition = unaryDefinition("Sqrt") { x, out in Elementwise.map(x, into: out) { $0.squareRoot() } }
let rsqrtDefinition = unaryDefinition("Rsqrt") { x, out in Elementwise.map(x, into: out) { 1 / $0.squareRoot() } }
let negDefinition = unaryDefinition("Neg") { x, out in Elementwise.map(x, into: out) { -$0 } }

/// The sum of tensors of one shape, element-wise, as `tf.add_n`. Records one `AddN` op with an
/// input per tensor (TensorFlow's argument `inputs`).
///
/// - Throws: `.invalidArgument` (message starting `addN:`) for an empty list or shapes that differ.
public func addN(_ inputs: [Tensor], name: String? = nil) throws -> Tensor {
    try runOperation("AddN", name: name, inputs.map { OpInput("inputs", $0) },
                     attributes: .float32(["N": .int(inputs.count)]))
}

/// `AddN`: the first input copied, the others added in order.
let addNDefinition = OpDefinition("AddN", outputShapes: { inputs, _ in
    guard let first = inputs.first else {
        throw TensorScopeError.invalidArgument("addN", expected: "at least one tensor", got: "none")
    }
    for input in inputs where input.shape != first.shape {
        throw TensorScopeError.invalidArgument(
            "addN", expected: "tensors of one shape (\(first.shape))", got: "shapes \(inputs.map(\.shape))")
    }
    return [first.shape]
}, compute: { inputs, _, outputs in
    let out = outputs[0].baseAddress!
    out.update(from: inputs[0].pointer, count: inputs[0].data.count)
    for input in inputs.dropFirst() {
        Elementwise.binary(.add, big: UnsafeBufferPointer(outputs[0]), small: input.data, period: input.data.count,
                           smallOnRight: true, into: out)
    }
})
