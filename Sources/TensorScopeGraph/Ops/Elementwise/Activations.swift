import Foundation
import TensorScopeKernels

/// The logistic function `1 / (1 + e^(−x))` element-wise, as `tf.sigmoid`. Records `Sigmoid`.
///
/// Computed as `e^x / (1 + e^x)` for negative `x`, so no `e^(−x)` overflows; NaN stays NaN.
public func sigmoid(_ x: some TensorConvertible, name: String? = nil) -> Tensor {
    runInfallibleOperation("Sigmoid", name: name, [OpInput("x", x)], attributes: .float32)
}

/// The hyperbolic tangent element-wise, as `tf.tanh`. Records `Tanh`.
public func tanh(_ x: some TensorConvertible, name: String? = nil) -> Tensor {
    runInfallibleOperation("Tanh", name: name, [OpInput("x", x)], attributes: .float32)
}

let sigmoidDefinition = unaryDefinition("Sigmoid") { x, out in
    Elementwise.map(x, into: out) { v in
        v >= 0 ? 1 / (1 + Foundation.exp(-v)) : { let e = Foundation.exp(v); return e / (1 + e) }()
    }
}

let tanhDefinition = unaryDefinition("Tanh") { x, out in Elementwise.map(x, into: out) { Foundation.tanh($0) } }
