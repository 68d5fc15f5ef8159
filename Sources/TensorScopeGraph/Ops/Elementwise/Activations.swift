import TensorScopeKernels
import Foundation

/// The logistic function `1 / (1 + e^(−x))` element-wise, as `tf.sigmoid`. Records `Sigmoid`.
///
/// Computed as `e^x / (1 + e^x)` for negative `x`, so no `e^(−x)` overflows; NaN stays NaN.
public func sigmoid(_ x: some TensorConvertible) -> Tensor {
    unary("Sigmoid", x) { v in
        v >= 0 ? 1 / (1 + Foundation.exp(-v)) : { let e = Foundation.exp(v); return e / (1 + e) }()
    }
}

/// The hyperbolic tangent element-wise, as `tf.tanh`. Records `Tanh`.
public func tanh(_ x: some TensorConvertible) -> Tensor {
    unary("Tanh", x) { Foundation.tanh($0) }
}

/// A one-input float op: its TensorFlow argument is named `x`.
private func unary(_ type: String, _ x: some TensorConvertible, _ f: (Float) -> Float) -> Tensor {
    runOperation(type, [OpInput("x", x)], attributes: .float32) { values in
        Tensor(uncheckedShape: values[0].shape, scalars: values[0].scalars.map(f))
    }
}
